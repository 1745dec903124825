import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import zlib from "node:zlib";
import type { Plugin } from "vite";

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Text the host serves; images and fonts are compressed already. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|webmanifest|txt)$/;

/**
 * Writes `file.br` and `file.gz` beside every text file of a built app, at the highest
 * settings (the build pays once; every phone in the queue gains), for the host to send to
 * browsers that accept them (`apps/host/src/static-apps.ts`). A variant that would not be
 * smaller than the file is not written. Returns the files it compressed, relative to `dir`.
 */
export async function precompressDirectory(dir: string): Promise<string[]> {
  const files = fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => COMPRESSIBLE.test(name) && fs.statSync(path.join(dir, name)).isFile());
  const compressed: string[] = [];
  for (const name of files) {
    const file = path.join(dir, name);
    const source = fs.readFileSync(file);
    const variants = [
      {
        suffix: ".br",
        bytes: await brotli(source, {
          params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: source.length },
        }),
      },
      { suffix: ".gz", bytes: await gzip(source, { level: 9 }) },
    ];
    for (const { suffix, bytes } of variants) {
      if (bytes.length < source.length) fs.writeFileSync(file + suffix, bytes);
      else fs.rmSync(file + suffix, { force: true });
    }
    if (variants.some(({ bytes }) => bytes.length < source.length)) compressed.push(name);
  }
  return compressed;
}

/**
 * Precompresses the app once everything is in its output folder — after the service worker
 * plugin has written sw.js and its runtime, which are not part of the bundle and which a
 * plugin compressing the bundle's own files would miss.
 */
export function precompress(): Plugin {
  let outDir = "dist";
  return {
    name: "qrcoats-precompress",
    apply: "build",
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle: {
      order: "post",
      sequential: true,
      async handler() {
        const files = await precompressDirectory(outDir);
        this.info(`precompressed ${files.length} files with brotli and gzip`);
      },
    },
  };
}
