// The package version, put in by the build (scripts/build.mjs) and by vitest.config.ts.
declare const PACKAGE_VERSION: string | undefined;

export const VERSION: string = typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0-dev';
