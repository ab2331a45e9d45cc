/*
 * 规划助手 chat widget. Embed with one tag:
 *   <script src="https://HOST/widget.js" data-title="规划助手" async></script>
 * Optional: data-position="left", data-api-key="…" (visible to every visitor: use only
 * a key meant for the public), data-open="true" (start opened), data-greeting="…",
 * data-plan="jiangling" (answer from that plan only: the ids are listed by GET /api/plans).
 *
 * Everything lives in a shadow root on one fixed-position element: the host page's
 * styles cannot reach in and ours cannot leak out. A second copy of the tag is a no-op.
 * The session id and the last messages are kept in localStorage (per widget server),
 * so a reload continues the conversation; where storage is blocked (sandboxed or
 * null-origin frames) the widget still works, for the life of the page.
 */
(function () {
  "use strict";
  if (window.__guihuaWidget) return;
  window.__guihuaWidget = true;

  var script = document.currentScript || (function () {
    var all = document.querySelectorAll('script[src*="widget.js"]');
    return all[all.length - 1];
  })();
  var src = new URL(script.src, location.href);
  var base = src.href.replace(/\/widget\.js(\?.*)?$/, "");
  var data = script.dataset || {};
  var title = data.title || "规划助手";
  var apiKey = data.apiKey || null;
  var plan = data.plan || undefined;
  var left = data.position === "left";
  var greeting = data.greeting || "您好！我可以回答关于中国科协“十四五”规划的问题，每个回答都注明出自哪项任务。";
  var storeKey = "guihua-widget:" + base;
  var MAX_KEEP = 40;

  var memory = { session_id: null, messages: [] };
  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(storeKey) || "null");
      if (saved && Array.isArray(saved.messages)) memory = saved;
    } catch (e) { /* storage blocked or corrupt: start afresh */ }
  }
  function save() {
    memory.messages = memory.messages.slice(-MAX_KEEP);
    try { window.localStorage.setItem(storeKey, JSON.stringify(memory)); } catch (e) { /* blocked */ }
  }

  var CSS = [
    // fonts and colours are set on our own boxes: the host element's inline all:initial outranks :host rules
    ".bubble,.panel{font-family:-apple-system,BlinkMacSystemFont,'PingFang SC','Hiragino Sans GB','Microsoft YaHei',",
    "'Noto Sans CJK SC','Noto Sans SC',sans-serif;font-size:15px;line-height:1.6;color:#1f2937;text-align:left;}",
    "*{box-sizing:border-box;}",
    ".bubble{position:fixed;bottom:20px;" + (left ? "left" : "right") + ":20px;width:56px;height:56px;border-radius:50%;border:0;",
    "background:#c8102e;color:#fff;font-size:15px;font-weight:600;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);}",
    ".bubble:focus-visible,.send:focus-visible,.chip:focus-visible{outline:3px solid #2563eb;outline-offset:2px;}",
    ".panel{position:fixed;bottom:88px;" + (left ? "left" : "right") + ":20px;width:380px;max-width:calc(100vw - 40px);",
    "height:560px;max-height:calc(100vh - 110px);background:#fff;border-radius:14px;display:flex;flex-direction:column;",
    "box-shadow:0 10px 40px rgba(0,0,0,.28);overflow:hidden;}",
    ".panel[hidden]{display:none;}",
    "header{background:#c8102e;color:#fff;padding:10px 14px;display:flex;align-items:center;justify-content:space-between;}",
    "header h2{all:unset;font-size:16px;font-weight:600;}",
    "header button{all:unset;cursor:pointer;font-size:20px;line-height:1;padding:2px 6px;}",
    ".log{flex:1;overflow-y:auto;padding:12px;background:#f7f7f8;}",
    ".msg{margin:8px 0;padding:8px 11px;border-radius:10px;max-width:92%;white-space:pre-wrap;word-break:break-word;}",
    ".user{background:#c8102e;color:#fff;margin-left:auto;}",
    ".bot .text{white-space:normal;}",
    ".text p{margin:0 0 4px;}.text ul{margin:0 0 4px;padding-left:18px;}.text li{margin:2px 0;}",
    ".bot{background:#fff;border:1px solid #e5e7eb;}",
    ".bot.error{border-color:#f59e0b;background:#fffbeb;}",
    ".notice{font-size:13px;color:#92400e;margin-top:4px;}",
    ".chips{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px;white-space:normal;}",
    ".chip{all:unset;cursor:pointer;font-size:13px;padding:1px 9px;border-radius:999px;background:#fde8ec;color:#9f1239;border:1px solid #fecdd3;}",
    ".chip[aria-expanded=true]{background:#9f1239;color:#fff;}",
    // the cited text sits under its answer, in a panel the reader folds and unfolds
    ".cited{margin-top:8px;border-top:1px solid #e5e7eb;padding-top:6px;white-space:normal;}",
    ".cited summary{cursor:pointer;font-size:13px;color:#9f1239;font-weight:600;list-style-position:inside;}",
    ".cited summary:focus-visible{outline:3px solid #2563eb;outline-offset:2px;}",
    ".quote{font-size:13px;color:#374151;background:#f3f4f6;border-left:3px solid #c8102e;padding:6px 8px;margin-top:6px;}",
    ".quote.focus{border-left-color:#2563eb;background:#eef2ff;}",
    ".quote b{display:block;color:#9f1239;font-weight:600;}",
    ".quote q{display:block;margin-top:3px;quotes:'“' '”';}",
    ".quote mark{background:#fde68a;color:inherit;padding:1px 0;}",
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid #e5e7eb;background:#fff;}",
    "textarea{all:unset;flex:1;font-size:15px;min-height:40px;max-height:96px;padding:8px 10px;border:1px solid #d1d5db;border-radius:8px;white-space:pre-wrap;overflow-y:auto;}",
    ".send{all:unset;cursor:pointer;background:#c8102e;color:#fff;padding:0 16px;border-radius:8px;font-size:15px;}",
    ".send[disabled]{opacity:.5;cursor:default;}",
    ".typing{color:#6b7280;font-size:13px;}",
    "@media (max-width:520px){textarea{font-size:16px;}",  // under 16px iOS Safari zooms the page on focus
    ".panel{left:0;right:0;bottom:0;top:0;width:100vw;max-width:100vw;height:100%;max-height:100%;border-radius:0;}",
    ".bubble{bottom:14px;" + (left ? "left" : "right") + ":14px;}",
    // the open panel fills the screen and has its own close button: the bubble would sit on the send button
    ".bubble[aria-expanded=true]{display:none;}}"
  ].join("");

  // A custom element no page stylesheet targets; inline !important outranks even the page's
  // !important rules (say "div { display: none !important }"), and nothing inside inherits from the page.
  var host = document.createElement("guihua-chat-widget");
  host.style.cssText = "all:initial !important;display:block !important;position:fixed !important;" +
    "z-index:2147483000 !important;bottom:0 !important;" + (left ? "left" : "right") + ":0 !important;" +
    "width:0 !important;height:0 !important;visibility:visible !important;opacity:1 !important;";
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML =
    "<style>" + CSS + "</style>" +
    '<button class="bubble" type="button" aria-haspopup="dialog" aria-expanded="false" title=""></button>' +
    '<section class="panel" role="dialog" aria-modal="false" hidden>' +
    '<header><h2></h2><button type="button" class="close" aria-label="关闭">×</button></header>' +
    '<div class="log" aria-live="polite"></div>' +
    '<form><textarea rows="1" maxlength="500" placeholder="请输入问题，如：第19项任务要求什么？" aria-label="问题"></textarea>' +
    '<button class="send" type="submit">发送</button></form></section>';
  var bubble = root.querySelector(".bubble");
  var panel = root.querySelector(".panel");
  var logEl = root.querySelector(".log");
  var form = root.querySelector("form");
  var input = root.querySelector("textarea");
  var sendBtn = root.querySelector(".send");
  bubble.textContent = "问答";
  bubble.title = title;
  bubble.setAttribute("aria-label", "打开" + title);
  root.querySelector("h2").textContent = title;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  // Under an answer: one chip per cited task or part, then a foldable panel with every sentence quoted
  // from each (highlighted). A fresh answer shows it open; a chip unfolds the panel at its task, a
  // second click on the same chip folds it again.
  function citedPanel(groups, open) {
    var wrap = el("div", "citing");
    var chips = el("div", "chips");
    var details = el("details", "cited");
    var summary = el("summary", null, "引用原文（" + groups.map(function (g) { return g.name; }).join("、") + "）");
    details.appendChild(summary);
    details.open = !!open;
    var focused = null;
    groups.forEach(function (g) {
      var quote = el("div", "quote");
      quote.appendChild(el("b", null, g.label));
      g.quotes.forEach(function (q) {
        var line = el("q");
        line.appendChild(el("mark", null, q));
        quote.appendChild(line);
      });
      details.appendChild(quote);
      var chip = el("button", "chip", g.name);
      chip.type = "button";
      chip.title = g.label;
      chip.setAttribute("aria-expanded", "false");
      chip.addEventListener("click", function () {
        var again = focused === chip && details.open;
        chips.querySelectorAll(".chip").forEach(function (x) { x.setAttribute("aria-expanded", "false"); });
        details.querySelectorAll(".quote").forEach(function (x) { x.classList.remove("focus"); });
        focused = null;
        if (again) { details.open = false; return; }
        focused = chip;
        chip.setAttribute("aria-expanded", "true");
        quote.classList.add("focus");
        details.open = true;
        if (quote.scrollIntoView) quote.scrollIntoView({ block: "nearest" });
      });
      chips.appendChild(chip);
    });
    details.addEventListener("toggle", function () {
      if (!details.open && focused) { focused.setAttribute("aria-expanded", "false"); focused = null; }
    });
    wrap.appendChild(chips);
    wrap.appendChild(details);
    return wrap;
  }

  // An answer's "- " lines as a list, every other line as its own paragraph (so "相关内容：" after a
  // list is a heading of its own, not part of the last bullet); all text as text, never HTML.
  function answerText(text) {
    var out = el("div", "text"), list = null;
    text.split("\n").forEach(function (line) {
      if (line.indexOf("- ") === 0) {
        if (!list) list = out.appendChild(el("ul"));
        list.appendChild(el("li", null, line.slice(2)));
        return;
      }
      list = null;
      if (line.trim()) out.appendChild(el("p", null, line));
    });
    return out;
  }

  function render(m) {
    var box = el("div", "msg " + (m.role === "user" ? "user" : "bot") + (m.error ? " error" : ""));
    box.appendChild(m.role === "user" ? el("div", "text", m.text) : answerText(m.text || ""));
    if (m.notice) box.appendChild(el("div", "notice", m.notice));
    var groups = [], byMarker = {};
    (m.citations || []).forEach(function (c) {
      if (!c.quote) return;
      if (!byMarker[c.marker]) {
        byMarker[c.marker] = { name: c.marker.replace(/^\[|\]$/g, ""), label: c.label, quotes: [] };
        groups.push(byMarker[c.marker]);
      }
      if (byMarker[c.marker].quotes.indexOf(c.quote) < 0) byMarker[c.marker].quotes.push(c.quote);
    });
    // a task's title is cited when the whole task is meant; beside its quoted sentences it shows nothing
    groups.forEach(function (g) {
      var title = g.label.slice(g.label.indexOf(" ") + 1);  // "任务19 实施…工程" → "实施…工程"
      var sentences = g.quotes.filter(function (q) { return q !== title; });
      if (sentences.length) g.quotes = sentences;
    });
    if (groups.length) box.appendChild(citedPanel(groups, m.fresh));
    logEl.appendChild(box);
    logEl.scrollTop = logEl.scrollHeight;
    return box;
  }

  function setOpen(open) {
    panel.hidden = !open;
    bubble.setAttribute("aria-expanded", String(open));
    bubble.textContent = open ? "×" : "问答";
    if (open) {
      logEl.scrollTop = logEl.scrollHeight;
      input.focus();
    }
  }

  var busy = false;
  function ask(text) {
    if (busy) return;
    text = text.trim();
    if (!text) return;
    busy = true;
    sendBtn.disabled = true;
    var user = { role: "user", text: text };
    memory.messages.push(user);
    render(user);
    save();
    var typing = el("div", "msg bot typing", "正在查找规划原文…");
    logEl.appendChild(typing);
    logEl.scrollTop = logEl.scrollHeight;
    var headers = { "Content-Type": "application/json" };
    if (apiKey) headers["X-API-Key"] = apiKey;
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, 60000);
    fetch(base + "/api/chat", {
      method: "POST", headers: headers, credentials: "omit",
      body: JSON.stringify({ message: text, session_id: memory.session_id || undefined, plan: plan }),
      signal: controller ? controller.signal : undefined
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      var m;
      if (res.ok) {
        memory.session_id = res.body.session_id || memory.session_id;
        m = { role: "bot", text: res.body.text, citations: res.body.citations, notice: res.body.notice, id: res.body.id };
      } else {
        m = { role: "bot", error: true, text: res.body.message || "服务暂时不可用，请稍后再试。" };
      }
      finish(m);
    }, function (err) {
      // the browser hides why (a CORS refusal looks like a network error to scripts)
      if (window.console) console.warn("规划助手 widget: request to " + base + "/api/chat failed (" + err +
        "). Is the network up, and is " + location.origin + " in the server's ASSISTANT_ALLOWED_ORIGINS?");
      finish({ role: "bot", error: true, text: "无法连接问答服务：可能是网络问题，或本网站尚未获准使用。请稍后再试。" });
    });
    function finish(m) {
      if (timer) clearTimeout(timer);
      typing.remove();
      if (!m.error) { memory.messages.push(m); save(); }
      render(Object.assign({ fresh: true }, m));  // kept without "fresh": a reload shows the panels folded
      busy = false;
      sendBtn.disabled = false;
      input.focus();
    }
  }

  bubble.addEventListener("click", function () { setOpen(panel.hidden); });
  root.querySelector(".close").addEventListener("click", function () { setOpen(false); bubble.focus(); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (busy || !input.value.trim()) return;  // keep what was typed while an answer is on its way
    var text = input.value;
    input.value = "";
    ask(text);
  });
  input.addEventListener("keydown", function (e) {
    // not while an IME is composing (Safari reports the Enter that picks a pinyin candidate as keyCode 229)
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });
  root.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !panel.hidden) setOpen(false);
  });

  function start() {
    load();
    render({ role: "bot", text: greeting });
    memory.messages.forEach(render);
    (document.body || document.documentElement).appendChild(host);
    if (data.open === "true") setOpen(true);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
