/** Prints the bundle size and throws above the gzip budget; returns the gzipped bytes. */
export function reportSize(path: string): number;
