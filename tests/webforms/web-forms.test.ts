/**
 * Web-to-case: the public contact form of the fixture pack, over real HTTP on 127.0.0.1.
 * Rendering in both languages, a valid submission (one case, channel web, the submission as
 * its message, a confirmation mail), errors in the visitor's language, the honeypot, the body
 * limit, escaping, and (in its own server) the per-address rate limit.
 */
import { frameAncestors } from '../../runtime/http/web-forms.routes';
import { eventually, getPage, postForm, startFormsServer, validContact, type FormsServer } from './webforms-harness';

let server: FormsServer;
let form: string;

beforeAll(async () => {
  server = await startFormsServer({ FORMS_PER_MINUTE: '10000' });
  form = `${server.url}/forms/contact`;
});
afterAll(async () => {
  await server?.close();
});

const mails = () => server.runtime.store.listDeliveries('mail', 1000) as Array<{ to: string; recordId: string; subject: string; body: string; lang: string }>;

describe('rendering', () => {
  it('renders the form in French with the pack’s labels, required marks and a link to Dutch', async () => {
    const page = await getPage(`${form}?lang=fr`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.html).toContain('<html lang="fr">');
    expect(page.html).toContain('<title>Contactez la commune</title>');
    expect(page.html).toContain('<h1>Contactez la commune</h1>');
    expect(page.html).toContain('Posez votre question');
    for (const label of ['Nom et prénom', 'Adresse e-mail', 'Téléphone', 'Thème', 'Objet', 'Votre message']) expect(page.html).toContain(label);
    // Every control has its label; types follow the record type.
    expect(page.html).toMatch(/<label for="f-subject">Objet <span class="req" aria-hidden="true">\*<\/span><span class="visually-hidden"> \(obligatoire\)<\/span><\/label>/);
    expect(page.html).toContain('<label for="f-from_name">Nom et prénom</label>');
    expect(page.html).toMatch(/<input type="text" id="f-from_name" name="from_name" autocomplete="name"/);
    expect(page.html).toMatch(/<input type="email" id="f-from_email" name="from_email" autocomplete="email"/);
    expect(page.html).toMatch(/<input type="tel" id="f-from_phone" name="from_phone" autocomplete="tel"/);
    expect(page.html).toMatch(/<textarea id="f-description" name="description" aria-required="true" maxlength="5000"/);
    expect(page.html).toMatch(/<select id="f-topic" name="topic"><option value="">— Choisissez —<\/option><option value="waste">Propreté et déchets<\/option>/);
    expect(page.html).not.toContain('id="f-channel"'); // set by the form, not asked
    expect(page.html).toContain('Les champs marqués d’un astérisque (*) sont obligatoires.');
    expect(page.html).toContain('<button type="submit">Envoyer</button>');
    expect(page.html).toContain('href="/forms/contact?lang=nl" hreflang="nl" lang="nl"');
    expect(page.html).toContain('action="/forms/contact?lang=fr"');
    // The honeypot is out of sight, out of the tab order and of the accessibility tree.
    expect(page.html).toMatch(/<div class="hp" aria-hidden="true">.*<input type="text" id="f-website" name="website" tabindex="-1" autocomplete="off"/s);
    // No script anywhere: the form works without JavaScript.
    expect(page.html).not.toMatch(/<script/i);
  });

  it('renders the form in Dutch from ?lang=nl and from Accept-Language', async () => {
    for (const page of [await getPage(`${form}?lang=nl`), await getPage(form, 'nl-BE,nl;q=0.9,fr;q=0.5')]) {
      expect(page.status).toBe(200);
      expect(page.html).toContain('<html lang="nl">');
      expect(page.html).toContain('<h1>Contacteer de gemeente</h1>');
      for (const label of ['Naam en voornaam', 'E-mailadres', 'Thema', 'Onderwerp', 'Uw bericht', 'Netheid en afval', '— Maak een keuze —', 'Versturen', '(verplicht)']) expect(page.html).toContain(label);
      expect(page.html).not.toContain('Votre message');
      expect(page.html).toContain('href="/forms/contact?lang=fr" hreflang="fr" lang="fr"');
    }
    // French when the browser prefers neither, or prefers French.
    expect((await getPage(form, 'en-GB,en;q=0.9')).html).toContain('<html lang="fr">');
    expect((await getPage(form, 'fr-BE,nl;q=0.8')).html).toContain('<html lang="fr">');
  });

  it('is embeddable: its own CSP with frame-ancestors and no script, no X-Frame-Options', async () => {
    const page = await getPage(form);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/frame-ancestors \*/);
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/form-action 'self'/);
    expect(csp).not.toMatch(/script-src/);
    expect(page.headers.get('x-frame-options')).toBeNull();
    expect(page.headers.get('cache-control')).toBe('no-store');
    // The style sheet carries the response's nonce.
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(page.html).toContain(`<style nonce="${nonce}">`);
  });

  it('answers an unknown form with a 404 page in the language', async () => {
    const fr = await getPage(`${server.url}/forms/nope?lang=fr`);
    expect(fr.status).toBe(404);
    expect(fr.html).toContain('<html lang="fr">');
    expect(fr.html).toContain('Formulaire introuvable');
    const nl = await postForm(`${server.url}/forms/nope?lang=nl`, validContact());
    expect(nl.status).toBe(404);
    expect(nl.html).toContain('Formulier niet gevonden');
  });
});

describe('submission', () => {
  it('creates one case on channel web with the submission as its message, and mails the confirmation', async () => {
    const before = server.cases().length;
    const res = await postForm(`${form}?lang=fr`, validContact({ from_email: ' marie.dubois@Example.BE ' }));
    expect(res.status).toBe(201);
    expect(res.html).toContain('<html lang="fr">');
    expect(res.html).toContain('Merci, votre demande a bien été reçue');
    const cases = server.cases();
    expect(cases).toHaveLength(before + 1);
    const created = cases[cases.length - 1];
    if (!created) throw new Error('no case');
    expect(res.html).toContain(`<span class="reference">${created.id}</span>`);
    expect(created.fields).toMatchObject({
      channel: 'web', language: 'fr', topic: 'waste', from_name: 'Marie Dubois', from_email: 'marie.dubois@example.be',
      from_phone: '+3221234567', subject: 'Dépôt clandestin rue Haute',
    });
    const messages = server.runtime.store.listMessages(created.id);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ direction: 'in', channel: 'web', from: 'Marie Dubois <marie.dubois@example.be>', to: ['form:contact'], subject: 'Dépôt clandestin rue Haute' });
    expect(messages[0]?.text).toContain('Propreté et déchets');
    expect(messages[0]?.text).toContain('trois jours');

    const mail = await eventually(async () => mails().find((m) => m.recordId === created.id));
    expect(mail).toMatchObject({ to: 'marie.dubois@example.be', lang: 'fr', subject: 'Nous avons bien reçu votre demande : Dépôt clandestin rue Haute' });
    expect(mail.body).toContain('Bonjour Marie Dubois');
    expect(res.html).toContain('marie.dubois@example.be');
  });

  it('keeps the visitor’s language on the case and in the confirmation', async () => {
    const res = await postForm(`${form}?lang=nl`, validContact({ from_name: 'Jan Peeters', from_email: 'jan@example.be', subject: 'Sluikstort in de Hoogstraat', topic: 'roads', from_phone: '' }));
    expect(res.status).toBe(201);
    expect(res.html).toContain('<html lang="nl">');
    expect(res.html).toContain('Bedankt, uw aanvraag werd goed ontvangen');
    expect(res.html).toContain('Referentie van uw dossier:');
    const created = server.cases().find((c) => c.fields['subject'] === 'Sluikstort in de Hoogstraat');
    expect(created?.fields).toMatchObject({ language: 'nl', channel: 'web', topic: 'roads' });
    expect(created?.fields['from_phone'] ?? null).toBeNull();
    const mail = await eventually(async () => mails().find((m) => m.recordId === created?.id));
    expect(mail).toMatchObject({ to: 'jan@example.be', lang: 'nl', subject: 'We hebben uw aanvraag goed ontvangen: Sluikstort in de Hoogstraat' });
  });

  it('re-renders invalid values with field errors in the language, values kept, and creates nothing', async () => {
    const before = server.cases().length;
    const bad = validContact({ from_email: 'marie-at-example', subject: '', topic: 'bogus', from_name: 'Marie "Mimi" <Dubois>' });
    const fr = await postForm(`${form}?lang=fr`, bad);
    expect(fr.status).toBe(422);
    expect(fr.html).toContain('<html lang="fr">');
    expect(fr.html).toContain('<title>Erreur : Contactez la commune</title>');
    expect(fr.html).toContain('Corrigez les 3 erreurs suivantes');
    expect(fr.html).toMatch(/<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>/);
    for (const f of ['from_email', 'subject', 'topic']) {
      expect(fr.html).toContain(`<li><a href="#f-${f}">`);
      expect(fr.html).toMatch(new RegExp(`id="f-${f}" name="${f}"[^>]*aria-invalid="true" aria-describedby="f-${f}-error"`));
      expect(fr.html).toContain(`<p class="field-error" id="f-${f}-error">`);
    }
    expect(fr.html).not.toContain('aria-invalid="true" aria-describedby="f-from_name-error"');
    // The summary follows the order of the page.
    expect(fr.html.indexOf('href="#f-from_email"')).toBeLessThan(fr.html.indexOf('href="#f-topic"'));
    expect(fr.html.indexOf('href="#f-topic"')).toBeLessThan(fr.html.indexOf('href="#f-subject"'));
    // What was typed is still there (escaped), the refused choice is not selected.
    expect(fr.html).toContain('value="marie-at-example"');
    expect(fr.html).toContain('value="Marie &quot;Mimi&quot; &lt;Dubois&gt;"');
    expect(fr.html).toContain('des sacs poubelles'.replace('des', 'Des'));
    expect(fr.html).not.toMatch(/<option value="[a-z]+" selected>/);

    const nl = await postForm(`${form}?lang=nl`, bad);
    expect(nl.status).toBe(422);
    expect(nl.html).toContain('<html lang="nl">');
    expect(nl.html).toContain('Verbeter de volgende 3 fouten');
    expect(nl.html).toContain('<title>Fout: Contacteer de gemeente</title>');
    expect(nl.html).toContain('<span class="visually-hidden">Fout: </span>');
    // The engine's own messages, in Dutch (they name the field by its Dutch label).
    expect(nl.html).toMatch(/Onderwerp/);
    expect(nl.html).not.toMatch(/Corrigez|obligatoire/);
    expect(server.cases()).toHaveLength(before);
  });

  it('keeps a valid choice selected when another field is wrong', async () => {
    const res = await postForm(`${form}?lang=fr`, validContact({ topic: 'civil', from_email: 'nope' }));
    expect(res.status).toBe(422);
    expect(res.html).toContain('<option value="civil" selected>État civil</option>');
    expect(res.html).toContain('Corrigez l’erreur suivante');
  });

  it('refuses an empty form instead of opening an empty case', async () => {
    const before = server.cases().length;
    const empty = Object.fromEntries(Object.keys(validContact()).map((k) => [k, '']));
    const res = await postForm(`${form}?lang=nl`, empty);
    expect(res.status).toBe(422);
    expect(res.html).toContain('Het formulier is leeg');
    expect(server.cases()).toHaveLength(before);
  });

  it('pretends success when the honeypot is filled, and creates nothing', async () => {
    const before = server.cases().length;
    const mailsBefore = mails().length;
    const res = await postForm(`${form}?lang=fr`, validContact({ website: 'http://spam.example', subject: 'Honeypot bot' }));
    expect(res.status).toBe(200);
    expect(res.html).toContain('Merci, votre demande a bien été reçue');
    expect(res.html).toMatch(/<span class="reference">[0-9a-f-]{36}<\/span>/);
    await new Promise((r) => setTimeout(r, 200));
    expect(server.cases()).toHaveLength(before);
    expect(server.cases().some((c) => c.fields['subject'] === 'Honeypot bot')).toBe(false);
    expect(mails()).toHaveLength(mailsBefore);
  });

  it('refuses a body over 20 kB with a 413 page in the language, and creates nothing', async () => {
    const before = server.cases().length;
    const res = await postForm(`${form}?lang=nl`, validContact({ description: 'x'.repeat(25_000) }));
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.html).toContain('<html lang="nl">');
    expect(res.html).toContain('Aanvraag te groot');
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors/);
    expect(server.cases()).toHaveLength(before);
  });

  it('stores a script typed in a text field as text and never renders it raw', async () => {
    const script = '<script>alert("pwned")</script>';
    const res = await postForm(`${form}?lang=fr`, validContact({ subject: `Question ${script}`, from_name: `Eve <img src=x onerror=alert(1)>` }));
    expect(res.status).toBe(201);
    expect(res.html).not.toContain('<script>');
    expect(res.html).not.toContain('<img');
    expect(res.html).toContain('Question &lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    const created = server.cases().find((c) => c.fields['subject'] === `Question ${script}`);
    expect(created).toBeDefined();
    expect(created?.fields['from_name']).toBe('Eve <img src=x onerror=alert(1)>');
    const message = server.runtime.store.listMessages(created?.id ?? '')[0];
    expect(message?.html).toBeNull();
    expect(message?.text).toContain(script);
  });
});

describe('rate limit', () => {
  let limited: FormsServer;
  beforeAll(async () => {
    limited = await startFormsServer({ FORMS_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('answers a flood from one address with 429 after the limit; what was accepted is all there', async () => {
    const statuses: number[] = [];
    let last = null as Awaited<ReturnType<typeof postForm>> | null;
    for (let i = 0; i < 6; i++) {
      last = await postForm(`${limited.url}/forms/contact?lang=nl`, validContact({ subject: `Flood ${i}` }));
      statuses.push(last.status);
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429]);
    if (!last) throw new Error('no response');
    expect(last.html).toContain('<html lang="nl">');
    expect(last.html).toContain('Te veel aanvragen');
    const retryAfter = Number(last.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.cases().map((c) => c.fields['subject']).sort()).toEqual(['Flood 0', 'Flood 1', 'Flood 2']);
    // Reading the form is not limited.
    expect((await getPage(`${limited.url}/forms/contact`)).status).toBe(200);
  });
});

describe('frame-ancestors configuration', () => {
  // FORMS_FRAME_ANCESTORS is not in runtime/config yet: the module reads `formsFrameAncestors` when present.
  const withAncestors = (v: string | undefined) => ({ formsFrameAncestors: v }) as unknown as Parameters<typeof frameAncestors>[0];

  it('is * when unset, the listed sources otherwise, and drops what is not a CSP source', () => {
    expect(frameAncestors(withAncestors(undefined))).toBe('*');
    expect(frameAncestors(withAncestors('https://www.commune.brussels https://*.commune.brussels'))).toBe('https://www.commune.brussels https://*.commune.brussels');
    expect(frameAncestors(withAncestors("'self',https://irisbox.brussels:8443"))).toBe("'self' https://irisbox.brussels:8443");
    const dropped: string[] = [];
    // An attempt to add a directive: every piece is refused, and the forms cannot be framed at all.
    expect(frameAncestors(withAncestors("https://ok.example; script-src 'unsafe-inline'"), (m) => dropped.push(m))).toBe("'none'");
    expect(dropped).toEqual(["web forms: ignoring frame-ancestors entries that are not CSP sources: https://ok.example; script-src 'unsafe-inline'"]);
    expect(frameAncestors(withAncestors('https://ok.example http://localhost:8080 http://127.0.0.1:3000 script-src'))).toBe('https://ok.example http://localhost:8080 http://127.0.0.1:3000');
    expect(frameAncestors(withAncestors('javascript:alert(1)'))).toBe("'none'");
  });
});
