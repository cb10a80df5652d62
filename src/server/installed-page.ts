/** The page an admin sees after installing: what happens next and the API key, shown once. */
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `crmLabel`: the connector's label (`Connector.label`). */
export function installedPage(p: { crmLabel: string; accountId: string; apiKey: string; reinstall: boolean }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sway is installed</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;line-height:1.5}code{background:#f3f3f3;padding:.2rem .4rem;word-break:break-all}</style></head>
<body>
<h1>Sway is ${p.reinstall ? 'reconnected to' : 'installed in'} ${esc(p.crmLabel)} account ${esc(p.accountId)}</h1>
<p>Sway is now creating its <strong>Sway</strong> fields in ${esc(p.crmLabel)}, then reading your contacts. This takes a minute.</p>
<h2>Your ingest API key</h2>
<p>Send social data to <code>POST /api/v1/signals</code> with <code>Authorization: Bearer &lt;key&gt;</code>.
This key is shown <strong>only once</strong>: copy it now.</p>
<p><code>${esc(p.apiKey)}</code></p>
</body></html>
`;
}
