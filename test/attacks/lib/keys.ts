/** The cast of every attack, generated in process at test time (no key material is checked in). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pemEncode } from '../../../shared/bytes';
import { createDemoCa, createDemoUser } from '../../../shared/smime/demo-pki';
import type { AttackKeys } from './attack-case';
import { env } from './message';

export async function makeAttackKeys(remote: string): Promise<AttackKeys & { dir: string }> {
  const ca = await createDemoCa(env, { name: 'Attack Test CA', keyType: 'RSA-2048' });
  const rogueCa = await createDemoCa(env, { name: 'Rogue CA', keyType: 'RSA-2048' });
  const [alice, bob, eve, rogueAlice] = await Promise.all([
    createDemoUser(ca, { name: 'Alice Example', email: 'alice@example.org' }, env),
    createDemoUser(ca, { name: 'Bob Example', email: 'bob@example.org' }, env),
    createDemoUser(ca, { name: 'Eve Example', email: 'eve@evil.example' }, env),
    createDemoUser(rogueCa, { name: 'Alice Example', email: 'alice@example.org' }, env),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'sello-attacks-'));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const pem = {
    alice: file('alice.pem', pemEncode('CERTIFICATE', alice.certificate)),
    aliceKey: file('alice.key', pemEncode('PRIVATE KEY', alice.privateKey)),
    bob: file('bob.pem', pemEncode('CERTIFICATE', bob.certificate)),
    ca: file('ca.pem', pemEncode('CERTIFICATE', ca.certificate)),
    eve: file('eve.pem', pemEncode('CERTIFICATE', eve.certificate)),
    eveKey: file('eve.key', pemEncode('PRIVATE KEY', eve.privateKey)),
  };
  return { ca, rogueCa, alice, bob, eve, rogueAlice, remote, pem, dir };
}
