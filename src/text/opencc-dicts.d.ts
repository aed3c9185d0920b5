// opencc-js ships its dictionaries as ESM modules (package export "./*") without type declarations.
// Each one default-exports a "source target|source target|..." string.
declare module "opencc-js/dict/TSCharacters" {
  const dict: string;
  export default dict;
}
