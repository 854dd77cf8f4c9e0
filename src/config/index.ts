export * from './snapshot.ts';
export { RevokedSet } from './revoked-set.ts';
export {
  buildConfiguration,
  buildFromData,
  readConfiguration,
  revokedSerialsOf,
  ConfigurationError,
  type BuiltConfiguration,
  type ConfigurationData,
  type ServerCertificateSource,
} from './builder.ts';
export { loadLocalCopy, LocalCopyError, saveLocalCopy } from './local-copy.ts';
