import { html } from '../html.ts';
import { page } from './layout.ts';

export function loginPage(opts: { token: string; next: string; error?: string; user?: string }): string {
  return page(
    'Sign in',
    html`<section class="login">
  <h1>Sign in</h1>
  ${opts.error ? html`<p class="flash bad" role="alert">${opts.error}</p>` : ''}
  <form method="post" action="/login">
    <input type="hidden" name="_csrf" value="${opts.token}">
    <input type="hidden" name="next" value="${opts.next}">
    <label>Your name <small>(recorded with your curation changes)</small><input name="user" required maxlength="64" autocomplete="username" value="${opts.user ?? ''}"></label>
    <label>Admin password<input name="password" type="password" required autocomplete="current-password"></label>
    <button type="submit">Sign in</button>
  </form>
</section>`,
  );
}
