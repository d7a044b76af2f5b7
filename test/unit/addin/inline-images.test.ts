/**
 * addin/taskpane/inline-images.ts: which Content-ID each inline image of an Outlook draft gets, from
 * the host's contentId or from the body's cid: URLs, and the media type an inline image is sent with.
 */
import { describe, expect, it } from 'vitest';
import { cidReferences, contentIdsFor, inlineMediaType } from '../../../addin/taskpane/inline-images';

describe('inline images of a draft', () => {
  const html =
    '<p><img src="cid:image001.png@01DA2B3C.4D5E6F70"> and <img src=\'cid:chart%20q3.jpg@01DA\'>' +
    '<img src="cid:image001.png@01DA2B3C.4D5E6F70"><img src="https://example.org/x.png"></p>';

  it('lists each cid: of the body once, %-decoded', () => {
    expect(cidReferences(html)).toEqual(['image001.png@01DA2B3C.4D5E6F70', 'chart q3.jpg@01DA']);
  });

  it("uses the host's contentId (brackets dropped), else the body's cid: that names the file", () => {
    expect(
      contentIdsFor(
        [
          { name: 'report.pdf', isInline: false },
          { name: 'chart q3.jpg', isInline: true },
          { name: 'image001.png', isInline: true, contentId: '<given@host>' },
          { name: 'image001.png', isInline: true },
          { name: 'unreferenced.png', isInline: true },
        ],
        html,
      ),
    ).toEqual([undefined, 'chart q3.jpg@01DA', 'given@host', 'image001.png@01DA2B3C.4D5E6F70', undefined]);
  });

  it('gives each body reference to one attachment only', () => {
    expect(
      contentIdsFor(
        [
          { name: 'image001.png', isInline: true },
          { name: 'image001.png', isInline: true },
        ],
        '<img src="cid:image001.png@1">',
      ),
    ).toEqual(['image001.png@1', undefined]);
  });

  it('sends raster images with their type and anything else (SVG included) as octet-stream', () => {
    expect(inlineMediaType('Logo.PNG')).toBe('image/png');
    expect(inlineMediaType('photo.jpeg')).toBe('image/jpeg');
    expect(inlineMediaType('drawing.svg')).toBe('application/octet-stream');
    expect(inlineMediaType('noextension')).toBe('application/octet-stream');
  });
});
