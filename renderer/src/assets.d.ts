/** Vite's `?url` imports: the emitted asset's URL under our own origin. */
declare module '*?url' {
  const url: string;
  export default url;
}
