// Sello loads only node-forge's DES and RC2 modules (not its index, which pulls in TLS, PKI and a PRNG),
// so the extension bundle carries the legacy ciphers and nothing else. The modules register themselves
// on the shared `forge` object; @types/node-forge only describes the package index.
declare module 'node-forge/lib/forge.js' {
  import forge from 'node-forge';
  export default forge;
}
declare module 'node-forge/lib/des.js';
declare module 'node-forge/lib/rc2.js';
