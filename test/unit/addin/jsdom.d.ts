// jsdom ships no types and @types/jsdom is not installed: the manifest test needs only its DOMParser.
declare module 'jsdom' {
  export class JSDOM {
    constructor(html?: string);
    readonly window: Window & typeof globalThis;
  }
}
