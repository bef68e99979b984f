/** Vite's `?raw` imports (a file's text), used to bundle seed texts into workerd and browser tests. */
declare module '*?raw' {
  const text: string;
  export default text;
}
