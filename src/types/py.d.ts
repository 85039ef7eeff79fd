/** Python templates are bundled as text (esbuild's text loader; a require hook in tests). */
declare module '*.py' {
  const text: string;
  // eslint-disable-next-line no-restricted-syntax -- esbuild's text loader gives a default export
  export default text;
}
