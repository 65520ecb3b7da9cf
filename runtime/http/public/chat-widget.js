// The website chat widget (served at /chat/widget.js; the page /chat embeds it in an iframe-able
// document). Plain JavaScript: the commune's site needs no build step to include it.
(function () {
  'use strict';
  var root = document.getElementById('chat');
  var lang = root.getAttribute('data-lang') === 'nl' ? 'nl' : 'fr';
  var log = document.getElementById('chat-log');
  var form = document.getElementById('chat-form');
  var input = document.getElementById('chat-input');
  var T = {
    fr: { you: 'Vous', bot: 'Assistant', agent: 'Agent', error: 'Connexion perdue, nouvelle tentative…' },
    nl: { you: 'U', bot: 'Assistent', agent: 'Medewerker', error: 'Verbinding verbroken, nieuwe poging…' },
  }[lang];

  function add(who, text, extra) {
    var li = document.createElement('li');
    li.className = 'msg msg-' + who;
    var name = document.createElement('strong');
    name.textContent = (who === 'you' ? T.you : who === 'agent' ? T.agent : T.bot) + ' : ';
    li.appendChild(name);
    li.appendChild(document.createTextNode(text));
    if (extra && extra.articles) {
      var ul = document.createElement('ul');
      extra.articles.forEach(function (a) {
        var item = document.createElement('li');
        var title = document.createElement('strong');
        title.textContent = a.title;
        item.appendChild(title);
        item.appendChild(document.createTextNode(' — ' + a.excerpt));
        ul.appendChild(item);
      });
      li.appendChild(ul);
    }
    if (extra && extra.formUrl) {
      var link = document.createElement('a');
      link.href = extra.formUrl;
      link.textContent = extra.formUrl;
      li.appendChild(document.createTextNode(' '));
      li.appendChild(link);
    }
    log.appendChild(li);
    li.scrollIntoView({ block: 'end' });
  }

  // eslint-disable-next-line no-undef
  var socket = io('/chat', { path: '/socket.io', transports: ['websocket', 'polling'] });
  socket.on('connect', function () { socket.emit('chat:hello', { language: lang }); });
  socket.on('chat:welcome', function (m) { add('bot', m.text, { formUrl: m.open ? null : m.formUrl }); });
  socket.on('chat:message', function (m) { add(m.from === 'agent' ? 'agent' : 'bot', m.text, m); });
  socket.on('chat:error', function (m) { add('bot', m.text); });
  socket.on('connect_error', function () { add('bot', T.error); });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    add('you', text);
    socket.emit('chat:message', { text: text });
    input.value = '';
    input.focus();
  });
})();
