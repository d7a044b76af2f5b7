/**
 * Inline images of a draft: Outlook keeps them as attachments with isInline set, and the HTML body
 * points at them with `cid:` URLs. The built message must carry the same Content-ID on each image
 * (RFC 2392) inside multipart/related, or the recipient sees a broken image and a stray attachment.
 * AttachmentDetailsCompose.contentId gives the id where the host has it (Outlook on the web, new
 * Outlook); elsewhere the id is recovered from the body, where Outlook names inline images
 * `cid:<file name>@<suffix>`.
 */

/** Every cid: the HTML refers to, decoded (RFC 2392 URLs are %-escaped), in order of appearance. */
export function cidReferences(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/\bcid:([^"'\s>)]+)/gi)) {
    let id = m[1]!;
    try {
      id = decodeURIComponent(id);
    } catch {
      // A malformed escape: keep the id as written.
    }
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

/**
 * The Content-ID (without <>) for each attachment: the host's, else a cid: of the body that names the
 * file; undefined for ordinary attachments and for inline ones the body never refers to.
 */
export function contentIdsFor(
  attachments: { name: string; isInline: boolean; contentId?: string | undefined }[],
  html: string,
): (string | undefined)[] {
  const refs = cidReferences(html);
  const taken = new Set<string>();
  return attachments.map((a) => {
    if (!a.isInline) return undefined;
    const given = a.contentId?.trim().replace(/^<|>$/g, '');
    const lower = a.name.toLowerCase();
    const id =
      given ||
      refs.find(
        (r) => !taken.has(r) && (r.toLowerCase() === lower || r.toLowerCase().startsWith(`${lower}@`)),
      );
    if (id) taken.add(id);
    return id || undefined;
  });
}

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
};

/**
 * The media type for an inline image (AttachmentDetailsCompose has none); readers show only image/*
 * parts in place. SVG is left as octet-stream on purpose: it can carry script.
 */
export function inlineMediaType(name: string): string {
  return IMAGE_TYPES[/\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? ''] ?? 'application/octet-stream';
}
