import { Alerts } from './alerts.js';
import { ApiError } from './api.js';
import { startConsole } from './app.js';
import { byId } from './dom.js';
import { explain } from './messages.js';
import { forgetToken, signIn, storedToken, storeToken, takeFragmentToken } from './session.js';

/**
 * The entry point: sign in (form, or `#token=` in the address), then the console. Without a
 * token that the admin API accepts, nothing but the sign-in form exists in the page.
 */
const alerts = new Alerts();
const form = byId<HTMLFormElement>('sign-in');
const field = byId<HTMLInputElement>('token');
const app = byId<HTMLElement>('app');
const bar = byId<HTMLElement>('session');
let running: { stop(): void } | null = null;
let attempt = 0;

function showSignIn(message?: string): void {
  running?.stop();
  running = null;
  app.hidden = true;
  form.hidden = false;
  if (message === undefined) alerts.clear();
  else alerts.show(message);
  field.focus();
}

function signOut(message?: string): void {
  forgetToken();
  showSignIn(message);
}

async function tryToken(token: string): Promise<void> {
  const mine = ++attempt;
  try {
    const session = await signIn(token);
    if (mine !== attempt) return;
    storeToken(token);
    field.value = '';
    alerts.clear();
    running?.stop();
    form.hidden = true;
    app.hidden = false;
    running = startConsole(app, bar, session, alerts, signOut);
    app.focus({ preventScroll: true });
  } catch (err) {
    if (mine !== attempt) return;
    forgetToken();
    showSignIn(
      err instanceof ApiError && (err.status === 401 || err.status === 403)
        ? 'Sign-in failed: the proxy did not accept that admin token. Check it and try again.'
        : explain(err, 'sign in'),
    );
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = field.value.trim();
  if (token === '') {
    showSignIn('Enter the admin token to sign in.');
    return;
  }
  void tryToken(token);
});

window.addEventListener('hashchange', () => {
  const token = takeFragmentToken();
  if (token !== null) void tryToken(token);
});

const initial = takeFragmentToken() ?? storedToken();
if (initial === null) showSignIn();
else void tryToken(initial);
