import type { Session } from '../auth.ts';
import { html, type Html } from '../html.ts';

export function csrfField(session: Session): Html {
  return html`<input type="hidden" name="_csrf" value="${session.csrf}">`;
}

export function page(title: string, body: Html, session?: Session, scripts: string[] = []): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · understudy admin</title>
<link rel="stylesheet" href="/static/admin.css">
${scripts.map((s) => html`<script src="${s}" defer></script>`)}
</head>
<body>
<header class="top">
  <a class="brand" href="/">understudy admin</a>
  ${session
    ? html`<nav><a href="/">Dashboard</a><a href="/questions">Conversations</a></nav>
  <form method="post" action="/logout" class="logout">${csrfField(session)}<span>${session.user}</span><button type="submit">Sign out</button></form>`
    : ''}
</header>
<main>
${body}
</main>
</body>
</html>`.value;
}

export function errorPage(status: number, message: string, session?: Session): string {
  const titles: Record<number, string> = { 400: 'Bad request', 401: 'Sign-in required', 403: 'Forbidden', 404: 'Not found', 413: 'Too large', 429: 'Too many attempts', 500: 'Server error' };
  const title = titles[status] ?? 'Error';
  return page(title, html`<section class="error"><h1>${status} · ${title}</h1><p>${message}</p><p><a href="/">Back to the dashboard</a></p></section>`, session);
}
