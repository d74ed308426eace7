// Live suggestions for the front-door search ("What do you need?").
// Progressive enhancement: the form works without this file. As the resident types, the best
// matching services from GET /api/v1/services/search are listed under the box as links, and a
// polite live region says how many there are, for screen reader users.

const DELAY_MS = 250;
const MIN_LENGTH = 3;

function setUp(form) {
  const input = form.querySelector('input[name="q"]');
  const box = form.querySelector(".pc-suggestions");
  const list = form.querySelector(".pc-suggestions__list");
  const status = form.querySelector(".pc-suggestions__status");
  if (!input || !box || !list || !status || !window.fetch) return;
  let timer = null;
  let controller = null;

  function clear() {
    list.replaceChildren();
    box.hidden = true;
  }

  async function suggest() {
    const text = input.value.trim();
    if (text.length < MIN_LENGTH) {
      clear();
      status.textContent = "";
      return;
    }
    const params = new URLSearchParams({ q: text, limit: "5" });
    if (form.dataset.council) params.set("council", form.dataset.council);
    if (controller) controller.abort();
    controller = new AbortController();
    let data;
    try {
      const response = await fetch(`${form.dataset.api}?${params}`, {
        headers: { Accept: "application/json" },
        signal: controller.signal,
      });
      if (!response.ok) return;
      data = await response.json();
    } catch {
      return; // offline or aborted: the form still works
    }
    list.replaceChildren();
    for (const result of data.results) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.className = "govuk-link";
      link.href = result.url;
      link.textContent = result.name;
      item.append(link);
      list.append(item);
    }
    box.hidden = data.results.length === 0;
    // The words come from the page, so they are translated with the rest of it.
    status.textContent = data.results.length
      ? `${data.results.length} ${form.dataset.statusSome}`
      : form.dataset.statusNone;
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") clear();
  });
}

document.querySelectorAll('[data-module="pc-service-search"]').forEach(setUp);
