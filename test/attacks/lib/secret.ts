/** The plaintext an attacker is after: it must never appear anywhere the attack could read it. */
export const SECRET = 'TOP-SECRET-merger-code-7391';
export const secretHtml = `<p>The merger code is ${SECRET}. Do not forward.</p>`;
