// The build loads CSS as text (esbuild loader "text") for the tour chunk.
declare module "*.css" {
  const text: string;
  export default text;
}
