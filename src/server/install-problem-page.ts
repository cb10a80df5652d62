/**
 * The page a browser sees when an install does not complete (declined consent, a callback from
 * another browser, an expired link): what happened and a link to start again. API clients that
 * ask for JSON get the usual error body instead (oauth.ts).
 */
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function installProblemPage(p: { title: string; message: string; installPath: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(p.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;line-height:1.5}</style></head>
<body>
<h1>${esc(p.title)}</h1>
<p>${esc(p.message)}</p>
<p><a href="${esc(p.installPath)}">Start the install again</a></p>
</body></html>
`;
}
