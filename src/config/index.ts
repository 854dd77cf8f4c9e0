export * from './snapshot.ts';
export { RevokedSet } from './revoked-set.ts';
export {
  buildConfiguration,
  ConfigurationError,
  type BuiltConfiguration,
  type ServerCertificateSource,
} from './builder.ts';
