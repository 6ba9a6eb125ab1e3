// Live mention suggestions on the story form: the headline, standfirst and
// body go to the detection endpoint as the journalist types; each company,
// person or brand found is listed with the words matched and how often (and,
// where the story's context decided between namesakes, why), to
// link in one click (it joins the "Companies, people and brands" field and is
// saved with the story) or dismiss (remembered for this story).
(function () {
  "use strict";
  var DELAY_MS = 800;

  var storyForm = window.storyForm;

  storyForm.ready(function () {
    var list = document.getElementById("mention-suggestions");
    var warningsBox = document.getElementById("mention-warnings");
    var form = document.getElementById("article_form");
    if (!list || !form) return;
    var select = document.getElementById("id_linked_entities");
    var dismissedHere = {};
    var timer = null;
    var lastSent = null;

    function value(name) {
      return storyForm.value(form, name);
    }

    function linkedIds() {
      if (!select) return [];
      return Array.prototype.map.call(select.selectedOptions, function (o) { return o.value; });
    }

    function post(url, data) {
      return storyForm.post(form, url, data).then(function (response) {
        return response.ok ? response.json() : null;
      });
    }

    function detect() {
      var text = [value("headline"), value("dek"), value("body"), value("section")].join("\u0000");
      if (text === lastSent) return;
      lastSent = text;
      var data = new FormData();
      data.append("headline", value("headline"));
      data.append("dek", value("dek"));
      data.append("body", value("body"));
      data.append("section", value("section"));
      data.append("article", list.dataset.article || "");
      post(list.dataset.url, data).then(function (answer) { if (answer) render(answer); });
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(detect, DELAY_MS);
    }

    function button(label, className, onClick) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "button " + className;
      b.textContent = label;
      b.addEventListener("click", onClick);
      return b;
    }

    function link(entity) {
      if (!select) return;
      var existing = select.querySelector('option[value="' + entity.id + '"]');
      if (existing) existing.selected = true;
      else select.appendChild(new Option(entity.name, entity.id, true, true));
      if (window.django && window.django.jQuery) window.django.jQuery(select).trigger("change");
      lastSent = null;
      detect();
    }

    function dismiss(entity) {
      dismissedHere[entity.id] = true;
      if (list.dataset.dismissUrl) {
        var url = list.dataset.dismissUrl.replace(/\/0\/dismiss\/$/, "/" + entity.id + "/dismiss/");
        post(url, new FormData());
      }
      lastSent = null;
      detect();
    }

    function render(answer) {
      var linked = linkedIds();
      list.textContent = "";
      warningsBox.textContent = "";
      (answer.warnings || []).forEach(function (text) {
        var p = document.createElement("p");
        p.className = "story-warning stale-title";
        p.textContent = text;
        warningsBox.appendChild(p);
      });
      var shown = 0;
      answer.mentions.forEach(function (mention) {
        var item = document.createElement("li");
        item.className = "mention";
        var words = document.createElement("span");
        words.className = "mention__words";
        words.textContent = "“" + mention.words.join("”, “") + "” × " + mention.count;
        if (mention.ambiguous) {
          item.appendChild(words);
          var which = document.createElement("span");
          which.className = "mention__choice";
          which.textContent = " could be: ";
          item.appendChild(which);
        }
        mention.entities.forEach(function (entity) {
          var isLinked = linked.indexOf(String(entity.id)) !== -1;
          var isDismissed = entity.dismissed || dismissedHere[entity.id];
          var name = document.createElement("strong");
          name.textContent = entity.name;
          var kind = document.createElement("span");
          kind.className = "mention__kind";
          kind.textContent = " " + entity.kind + " ";
          var part = document.createElement("span");
          part.className = "mention__entity";
          part.appendChild(name);
          part.appendChild(kind);
          if (!mention.ambiguous) {
            part.appendChild(words.cloneNode(true));
            part.appendChild(document.createTextNode(" "));
          }
          if (isLinked) {
            var done = document.createElement("span");
            done.className = "mention__state";
            done.textContent = "Linked";
            part.appendChild(done);
          } else {
            part.appendChild(button(isDismissed ? "Link anyway" : "Link", "mention__link", function () { link(entity); }));
            if (!isDismissed) part.appendChild(button("Dismiss", "mention__dismiss", function () { dismiss(entity); }));
            else {
              var gone = document.createElement("span");
              gone.className = "mention__state";
              gone.textContent = " dismissed";
              part.appendChild(gone);
            }
          }
          item.appendChild(part);
        });
        // Why the words were read so, where that needed deciding (an
        // ambiguity resolved from the story's context).
        (mention.reasons || []).forEach(function (text) {
          var why = document.createElement("span");
          why.className = "mention__why";
          why.textContent = mention.entities.length ? mention.entities[0].name + " — " + text : text;
          item.appendChild(why);
        });
        if (mention.ambiguous) {
          var note = document.createElement("span");
          note.className = "mention__why";
          note.textContent = "Nothing in the story decides which: choose one to link.";
          item.appendChild(note);
        }
        list.appendChild(item);
        shown += 1;
      });
      if (!shown) {
        var none = document.createElement("li");
        none.className = "help";
        none.textContent = "No known company, person or brand found yet.";
        list.appendChild(none);
      }
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    // The rich-text editor updates its textarea without bubbling an input
    // event from the field itself, so look again every few seconds as well.
    window.setInterval(detect, 4000);
    if (select && window.django && window.django.jQuery) {
      window.django.jQuery(select).on("change", function () { lastSent = null; schedule(); });
    }
    detect();
  });
})();
