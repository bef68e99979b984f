/** Text modules: wrangler bundles `*.txt` imports as strings (its default module rules). */
declare module '*.txt' {
  const text: string;
  export default text;
}
