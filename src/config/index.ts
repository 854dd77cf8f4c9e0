export * from './snapshot.ts';
export { RevokedSet } from './revoked-set.ts';
export {
  buildConfiguration,
  revokedSerialsOf,
  ConfigurationError,
  type BuiltConfiguration,
  type ServerCertificateSource,
} from './builder.ts';
