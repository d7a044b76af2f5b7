/** Every draft-oracle case; test/attacks/draft-oracle.test.ts applies each one the same way. */
import type { DraftOracleCase } from '../lib/draft-oracle-case';
import d0 from './draft-oracle-compose-attachment';
import d1 from './draft-oracle-compose-html-body';
import d2 from './draft-oracle-compose-security-off';
import { frameOnlyFromPage } from './draft-oracle-frame-only-from-page';
import d3 from './draft-oracle-mailto-style-draft-id';
import d4 from './draft-oracle-open-supplied-ciphertext';
import d5 from './draft-oracle-reply-injected-content';

export const DRAFT_ORACLE_CASES: DraftOracleCase[] = [d0, d1, d2, d3, d4, d5, ...frameOnlyFromPage];
