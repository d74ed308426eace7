// "Ask us" as a conversation. Progressive enhancement: without this file the form posts and the
// page comes back with the answer. With it, the same POST is sent with an X-Ask-Partial header,
// the server returns only the new question-and-answer turn, and it is added to the log (a polite
// live region) without reloading, so earlier answers stay on screen. Anything unexpected (an
// error, a validation problem, offline) falls back to the ordinary form submission.

function setUp(form) {
  const log = document.getElementById("ask-log");
  const question = form.querySelector('textarea[name="question"]');
  const details = document.getElementById("ask-email");
  if (!log || !question || !window.fetch) return;
  let sending = false;

  form.addEventListener("submit", async (event) => {
    if (sending) {
      event.preventDefault();
      return;
    }
    if (!question.value.trim()) return; // let the server show the GOV.UK error summary
    event.preventDefault();
    sending = true;
    const button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    let html = null;
    try {
      const response = await fetch(form.action || window.location.href, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Ask-Partial": "1" },
        credentials: "same-origin",
      });
      if (response.ok) html = await response.text();
    } catch {
      html = null;
    }
    sending = false;
    if (button) button.disabled = false;
    if (html === null) {
      form.submit(); // the plain form path shows errors and answers just as well
      return;
    }
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const turn = holder.querySelector(".app-ask-turn");
    if (!turn) {
      form.submit();
      return;
    }
    log.append(turn);
    if (turn.dataset.askEmail && details) details.open = true;
    if (!turn.dataset.keepQuestion) question.value = "";
    const heading = turn.querySelector(".app-ask-turn__heading");
    if (heading) heading.focus();
  });
}

for (const form of document.querySelectorAll('form[data-module="ask"]')) setUp(form);
