// Files the build bundles as their text (scripts/build.mjs: loader `text`).
declare module '*.xml' {
  const text: string;
  export default text;
}
