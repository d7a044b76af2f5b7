/**
 * Certificate policy processing (RFC 5280 §6.1.2-§6.1.5): the valid_policy_tree, explicit_policy,
 * policy_mapping and inhibit_anyPolicy, with the user-initial-policy-set intersection at wrap-up.
 * Policy qualifiers are not kept (Sello never shows them). A path "fails policy" only when explicit
 * policy is required (by the inputs or a CA's policyConstraints) and the tree ends up empty.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { EXT, extension } from './certificate';
import { ANY_POLICY, type PathPolicy } from './path-policy';

interface PolicyNode {
  validPolicy: string;
  expected: Set<string>;
  depth: number;
  parent: PolicyNode | null;
  children: PolicyNode[];
}

export interface PolicyProcessor {
  /** §6.1.3 (d)-(f) for the certificate at index `i` (0: issued by the anchor). */
  processCertificate(cert: pkijs.Certificate, i: number, selfIssued: boolean): string | undefined;
  /** §6.1.4 (a)-(b), (h)-(j) before the next certificate. */
  prepareNext(cert: pkijs.Certificate, selfIssued: boolean): string | undefined;
  /** §6.1.5 (a), (b), (g) for the end entity. */
  finish(cert: pkijs.Certificate): string | undefined;
}

function certificatePolicies(cert: pkijs.Certificate): string[] | undefined {
  const ext = extension(cert, EXT.certificatePolicies);
  if (!ext) return undefined;
  const cp = ext.parsedValue as pkijs.CertificatePolicies | undefined;
  if (!(cp instanceof pkijs.CertificatePolicies)) throw new Error('certificatePolicies is not well-formed');
  return cp.certificatePolicies.map((p) => p.policyIdentifier);
}

function policyMappings(cert: pkijs.Certificate): { issuer: string; subject: string }[] {
  const ext = extension(cert, EXT.policyMappings);
  const pm = ext?.parsedValue as pkijs.PolicyMappings | undefined;
  if (!(pm instanceof pkijs.PolicyMappings)) return [];
  return pm.mappings.map((m) => ({ issuer: m.issuerDomainPolicy, subject: m.subjectDomainPolicy }));
}

function intValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof asn1js.Integer) return v.valueBlock.valueDec;
  return undefined;
}

function policyConstraints(cert: pkijs.Certificate): { requireExplicit?: number; inhibitMapping?: number } {
  const ext = extension(cert, EXT.policyConstraints);
  const pc = ext?.parsedValue as pkijs.PolicyConstraints | undefined;
  if (!(pc instanceof pkijs.PolicyConstraints)) return {};
  const out: { requireExplicit?: number; inhibitMapping?: number } = {};
  const r = intValue(pc.requireExplicitPolicy);
  const m = intValue(pc.inhibitPolicyMapping);
  if (r !== undefined) out.requireExplicit = r;
  if (m !== undefined) out.inhibitMapping = m;
  return out;
}

function inhibitAnyPolicyValue(cert: pkijs.Certificate): number | undefined {
  const ext = extension(cert, EXT.inhibitAnyPolicy);
  if (!ext) return undefined;
  return intValue(ext.parsedValue);
}

export function createPolicyProcessor(policy: PathPolicy, n: number): PolicyProcessor {
  let root: PolicyNode | null = {
    validPolicy: ANY_POLICY,
    expected: new Set([ANY_POLICY]),
    depth: 0,
    parent: null,
    children: [],
  };
  let explicitPolicy = policy.requireExplicitPolicy ? 0 : n + 1;
  let inhibitAny = policy.inhibitAnyPolicy ? 0 : n + 1;
  let policyMapping = policy.inhibitPolicyMapping ? 0 : n + 1;
  // Depth of the certificate last processed: prepareNext works on its nodes.
  let currentDepth = 0;

  const nodesAt = (depth: number): PolicyNode[] => {
    const out: PolicyNode[] = [];
    const walk = (node: PolicyNode): void => {
      if (node.depth === depth) out.push(node);
      else node.children.forEach(walk);
    };
    if (root) walk(root);
    return out;
  };
  const addChild = (parent: PolicyNode, validPolicy: string, expected: Iterable<string>): void => {
    parent.children.push({
      validPolicy,
      expected: new Set(expected),
      depth: parent.depth + 1,
      parent,
      children: [],
    });
  };
  const remove = (node: PolicyNode): void => {
    if (!node.parent) root = null;
    else node.parent.children = node.parent.children.filter((c) => c !== node);
  };
  // Delete childless nodes above `depth`, repeatedly (§6.1.3 (d)(3)).
  const prune = (depth: number): void => {
    for (let d = depth - 1; d >= 0; d--)
      for (const node of nodesAt(d)) if (node.children.length === 0) remove(node);
  };

  return {
    processCertificate(cert, i, selfIssued) {
      const depth = i + 1;
      currentDepth = depth;
      const policies = certificatePolicies(cert);
      if (policies && root) {
        const parents = nodesAt(depth - 1);
        for (const p of policies) {
          if (p === ANY_POLICY) continue;
          const matching = parents.filter((node) => node.expected.has(p));
          if (matching.length > 0) matching.forEach((node) => addChild(node, p, [p]));
          else
            parents
              .filter((node) => node.validPolicy === ANY_POLICY)
              .forEach((node) => addChild(node, p, [p]));
        }
        if (policies.includes(ANY_POLICY) && (inhibitAny > 0 || (depth < n && selfIssued))) {
          for (const node of parents)
            for (const e of node.expected)
              if (!node.children.some((c) => c.validPolicy === e)) addChild(node, e, [e]);
        }
        prune(depth);
      } else if (!policies) root = null;
      if (explicitPolicy <= 0 && !root)
        return 'no acceptable certificate policy, and an explicit policy is required.';
      return undefined;
    },

    prepareNext(cert, selfIssued) {
      const depth = currentDepth;
      const mappings = policyMappings(cert);
      if (mappings.some((m) => m.issuer === ANY_POLICY || m.subject === ANY_POLICY))
        return 'policyMappings maps anyPolicy, which RFC 5280 forbids.';
      const byIssuer = new Map<string, string[]>();
      for (const m of mappings) byIssuer.set(m.issuer, [...(byIssuer.get(m.issuer) ?? []), m.subject]);
      for (const [issuerPolicy, subjects] of byIssuer) {
        const nodes = nodesAt(depth).filter((node) => node.validPolicy === issuerPolicy);
        if (policyMapping > 0) {
          if (nodes.length > 0) nodes.forEach((node) => (node.expected = new Set(subjects)));
          else {
            const any = nodesAt(depth).find((node) => node.validPolicy === ANY_POLICY);
            if (any?.parent) addChild(any.parent, issuerPolicy, subjects);
          }
        } else {
          nodes.forEach(remove);
          prune(depth);
        }
      }
      if (!selfIssued) {
        if (explicitPolicy > 0) explicitPolicy--;
        if (policyMapping > 0) policyMapping--;
        if (inhibitAny > 0) inhibitAny--;
      }
      const pc = policyConstraints(cert);
      if (pc.requireExplicit !== undefined && pc.requireExplicit < explicitPolicy)
        explicitPolicy = pc.requireExplicit;
      if (pc.inhibitMapping !== undefined && pc.inhibitMapping < policyMapping)
        policyMapping = pc.inhibitMapping;
      const ia = inhibitAnyPolicyValue(cert);
      if (ia !== undefined && ia < inhibitAny) inhibitAny = ia;
      return undefined;
    },

    finish(cert) {
      if (explicitPolicy > 0) explicitPolicy--;
      if (policyConstraints(cert).requireExplicit === 0) explicitPolicy = 0;
      const initial = policy.initialPolicySet;
      if (root && !initial.includes(ANY_POLICY)) {
        // (g)(iii): the valid_policy_node_set is every node whose parent is an anyPolicy node.
        const nodeSet: PolicyNode[] = [];
        const walk = (node: PolicyNode): void => {
          for (const c of node.children) {
            if (node.validPolicy === ANY_POLICY) nodeSet.push(c);
            walk(c);
          }
        };
        walk(root);
        for (const node of nodeSet)
          if (node.validPolicy !== ANY_POLICY && !initial.includes(node.validPolicy)) remove(node);
        const anyLeaf = nodesAt(n).find((node) => node.validPolicy === ANY_POLICY);
        if (anyLeaf?.parent) {
          const present = new Set(nodeSet.map((node) => node.validPolicy));
          for (const p of initial) if (!present.has(p)) addChild(anyLeaf.parent, p, anyLeaf.expected);
          remove(anyLeaf);
        }
        prune(n);
        if (root && nodesAt(n).length === 0) root = null;
      }
      if (explicitPolicy <= 0 && !root) return 'no certificate policy acceptable to the relying party.';
      // A caller that names the policies it accepts wants one of them (user-constrained-policy-set
      // non-empty), explicit policy or not; PKITS 4.8.6 and Bouncy Castle read it the same way.
      if (!initial.includes(ANY_POLICY) && !root) return 'none of the required certificate policies applies.';
      return undefined;
    },
  };
}
