// Types `exports.default` from "cloudflare:workers" as the edge's own entry point.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../src/index.js');
  }
}
