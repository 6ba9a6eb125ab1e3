// Autosave for the story change form: every few seconds, if anything was
// typed, the headline, standfirst and body go to the server, which keeps them
// for this person and story without creating a version or a workflow step.
// The answer also says who else has the story open and whether it was saved
// by someone else since this form was opened. When the tab is hidden or
// closed, what was typed since goes at once, by a beacon the browser delivers
// even as the page goes away.
(function () {
  "use strict";
  var INTERVAL_MS = 10000;

  var storyForm = window.storyForm;

  storyForm.ready(function () {
    var status = document.getElementById("autosave-status");
    var form = document.getElementById("article_form");
    if (!status || !form || !status.dataset.enabled) return;
    var fields = ["headline", "slug", "dek", "body"];
    var baseVersion = form.querySelector("[name=base_version]");
    var dirty = false;
    var lastSent = snapshot();
    var warnedVersion = null;

    function value(name) {
      return storyForm.value(form, name);
    }

    function snapshot() {
      return fields.map(value).join("\u0000");
    }

    var submitting = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () {
      // The save itself keeps the text: no autosave after it.
      dirty = false;
      submitting = true;
    });

    function show(text, warning) {
      status.textContent = text;
      status.classList.toggle("autosave-status--warning", Boolean(warning));
    }

    function send() {
      // The rich-text editor writes to its textarea without an input event.
      var current = snapshot();
      if (!dirty && current === lastSent) return ping();
      post(formData(), function (answer) {
        dirty = false;
        lastSent = current;
        show("Draft autosaved at " + answer.saved_at + ". Press Save to keep it.");
        report(answer);
      });
    }

    function formData() {
      var data = new FormData();
      fields.forEach(function (name) { data.append(name, value(name)); });
      data.append("article", status.dataset.article || "");
      data.append("base_version", baseVersion ? baseVersion.value : "");
      return data;
    }

    // The tab is hidden or closing: no answer will be read, so the beacon
    // carries the CSRF token in its body (a beacon sets no headers).
    function sendNow() {
      var current = snapshot();
      if (submitting || (!dirty && current === lastSent) || !navigator.sendBeacon) return;
      var data = formData();
      data.append("csrfmiddlewaretoken", storyForm.csrfToken(form));
      if (navigator.sendBeacon(status.dataset.url, data)) {
        dirty = false;
        lastSent = current;
      }
    }

    function ping() {
      if (!status.dataset.article) return;
      post(formData(), report);
    }

    function report(answer) {
      if (answer.version && baseVersion && String(answer.version) !== baseVersion.value) {
        if (warnedVersion !== answer.version) {
          warnedVersion = answer.version;
          show(
            "Someone else saved this story since you opened it. Your text is " +
              "autosaved; when you save, you will see both versions to merge.",
            true
          );
        }
      } else if (answer.others && answer.others.length) {
        show(answer.others.join(", ") + " also has this story open.", true);
      }
    }

    function post(data, done) {
      storyForm.post(form, status.dataset.url, data)
        .then(function (response) {
          if (response.status === 403) {
            show("Your session has expired: copy your text before leaving this page.", true);
            return null;
          }
          return response.ok ? response.json() : null;
        })
        .then(function (answer) { if (answer) done(answer); })
        .catch(function () {
          show("Autosave could not reach the server; your text is still in this page.", true);
        });
    }

    window.setInterval(send, INTERVAL_MS);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") sendNow();
    });
    window.addEventListener("pagehide", sendNow);
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
})();
