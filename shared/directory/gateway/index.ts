/** The directory gateway (Node only): LDAP lookups served to the extension over HTTP. See docs/directory.md. */
export {
  createDirectoryGateway,
  type DirectoryGateway,
  type DirectoryGatewayOptions,
  type GatewayAnswer,
  type GatewayCertificate,
} from './http-gateway';
export {
  createLdapCertificateSource,
  type CertificateLookup,
  type DirectoryCertificateValue,
  type DirectorySourceAttribute,
  type LdapSourceOptions,
} from './ldap-certificate-source';
