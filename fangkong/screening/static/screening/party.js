/* The party screen of the officer app: the people of one vehicle (or one person on foot, or
 * one entered by hand), their temperatures, the recommendation under the policy, and the
 * officer's outcome. Confirming puts one check per person into the outbox.
 *
 * FangkongParty.create(app) wires it to the app shell (officer.js), which supplies
 * {config, policy(), currentSite(), outbox(), recorded(items)}.
 */
(function () {
  'use strict';

  /* A new-energy plate (GA 36-2018: eight characters) is green with black letters; the others
   * are drawn blue. */
  function plateClass(plate) {
    var bare = String(plate).replace(/[\s·.\-]/g, '');
    return bare.length === 8 && bare.charAt(0) !== '使' ? 'plate new-energy' : 'plate';
  }

  var Kit = window.FangkongKit;
  var Rules = window.FangkongRules;
  var OutboxLib = window.FangkongOutbox;
  var Plate = window.FangkongPlate;
  var el = Kit.el;
  var fmt = Kit.fmt;
  var field = Kit.field;
  var maskName = Kit.maskName;
  var timeText = Kit.timeText;
  var toast = Kit.toast;
  var $ = function (id) { return document.getElementById(id); };

  var HEALTH_CODES = ['green', 'yellow', 'red', 'unknown'];
  var ITINERARIES = ['normal', 'star', 'risk', 'unknown'];
  var NAT_RESULTS = ['negative', 'positive', 'pending', ''];

  function create(app) {
    var config = app.config;
    var S = config.strings;
    var UI = S.ui;
    var party = null;

    function outcomeLabel(outcome) {
      return S.outcomes[outcome] || outcome;
    }


    function copyFacts(facts) {
      return {
        health_code: facts.health_code || 'unknown',
        itinerary: facts.itinerary || 'unknown',
        nat_result: facts.nat_result || '',
        nat_at: facts.nat_at || '',
        symptoms: Boolean(facts.symptoms),
        origin_code: facts.origin_code || '',
        places_passed: facts.places_passed || []
      };
    }

    function fromLookup(p) {
      return {
        manual: false,
        plate: p.plate,
        vehicleKindLabel: p.vehicle_kind_label,
        // What the form declared: it gives no priority until the officer confirms a kind.
        declaredKind: p.vehicle_kind || '',
        confirmedKind: '',
        vehicle: p.plate ? { kind: p.vehicle_kind || 'car', pass_state: p.pass_state || 'none', kind_confirmed: false } : null,
        origin: p.origin,
        destination: p.destination,
        people: p.people.map(function (person) {
          return {
            registrationId: person.registration_id,
            role: person.role,
            roleLabel: person.role_label,
            name: person.name,
            document: person.document,
            phone: person.phone,
            expired: person.expired,
            lastCheck: person.last_check,
            declared: copyFacts(person.facts),
            facts: copyFacts(person.facts),
            temperature: '',
            outcome: null,
            overrideReason: '',
            note: ''
          };
        })
      };
    }

    function manualPerson() {
      return {
        manual: { name: '', doc_type: 'resident_id', doc_number: '', phone: '' },
        roleLabel: UI.walk_up,
        declared: null,
        facts: copyFacts({}),
        temperature: '',
        outcome: null,
        overrideReason: '',
        note: '',
        factsOpen: true
      };
    }

    function manualParty() {
      return { manual: true, plate: '', vehicle: null, groupKey: null, people: [manualPerson()] };
    }

    /* A vehicle entered by hand: the person already entered drives it. Its key is made here,
     * once, and goes with each of its people's checks, so that the server makes one travel
     * group of them however the outbox sends them. */
    function addVehicle() {
      party.groupKey = OutboxLib.newKey();
      party.plate = '';
      party.declaredKind = '';
      party.confirmedKind = '';
      party.vehicle = { kind: 'car', pass_state: 'none', kind_confirmed: false };
      rerender('input[data-party="plate"]');
    }

    function dropVehicle() {
      party.groupKey = null;
      party.plate = '';
      party.vehicle = null;
      party.people = party.people.slice(0, 1);
      rerender(null);
    }

    function addPassenger() {
      party.people.push(manualPerson());
      var index = party.people.length - 1;
      rerender('article.person[data-index="' + index + '"] input[data-field="name"]');
    }

    function dropPassenger(index) {
      party.people.splice(index, 1);
      rerender(null);
    }

    function manualRole(index) {
      if (!party.vehicle) return '';
      return index === 0 ? 'driver' : 'passenger';
    }

    function rerender(focusSelector) {
      var panel = $('party');
      renderParty(panel);
      recompute();
      var target = focusSelector && panel.querySelector(focusSelector);
      if (target) {
        target.focus();
        target.scrollIntoView({ block: 'center' });
      }
    }

    function openParty(next) {
      party = next;
      $('find').hidden = true;
      $('outbox').hidden = true;
      var panel = $('party');
      panel.hidden = false;
      renderParty(panel);
      recompute();
      window.scrollTo(0, 0);
      var first = panel.querySelector(party.manual ? 'input[data-field="name"]' : 'input[data-field="temperature"]');
      if (first) first.focus();
    }

    function closeParty() {
      party = null;
      var panel = $('party');
      panel.hidden = true;
      panel.textContent = '';
      $('find').hidden = false;
      $('matches').textContent = '';
      $('find-message').textContent = '';
      $('q').value = '';
    }

    function chips(name, values, labels, current, index) {
      return el('div', { className: 'chips', role: 'radiogroup', 'aria-label': UI[name] }, values.map(function (value) {
        return el('label', { className: 'chip' + (value === current ? ' on' : '') }, [
          el('input', { type: 'radio', name: name + '-' + index, value: value, checked: value === current, dataset: { field: name } }),
          labels[value]
        ]);
      }));
    }

    function natDate(iso) {
      return iso ? Rules.localDay(Date.parse(iso), app.policy().offset) : '';
    }

    function factsSummary(facts) {
      var parts = [UI.health_codes[facts.health_code], UI.itineraries[facts.itinerary]];
      if (facts.nat_result && facts.nat_at) {
        var hours = Math.max(0, Math.round((Date.now() - Date.parse(facts.nat_at)) / 3600e3));
        parts.push(UI.nat + ' ' + UI.nat_results[facts.nat_result] + ' · ' + fmt(UI.hours_ago, { h: hours }));
      } else {
        parts.push(UI.nat + ' ' + UI.nat_none);
      }
      if (facts.symptoms) parts.push(UI.symptoms_short);
      return parts.join(' · ');
    }

    function identityBlock(person, index) {
      if (!person.manual) {
        return el('div', { className: 'identity' }, [
          el('span', { className: 'role', text: person.roleLabel || '' }),
          el('b', { className: 'name', text: person.name }),
          el('span', { className: 'mono', text: person.document }),
          person.phone ? el('span', { className: 'mono', text: person.phone }) : null,
          person.expired ? el('span', { className: 'warn', text: UI.expired }) : null,
          person.lastCheck ? el('span', { className: 'warn', text: UI.checked_before + ' ' + timeText(person.lastCheck.checked_at) + ' ' + person.lastCheck.outcome_label }) : null
        ]);
      }
      var m = person.manual;
      var docOptions = config.documents.map(function (d) {
        return el('option', { value: d.value, text: d.label, selected: d.value === m.doc_type });
      });
      var role = manualRole(index);
      return el('div', { className: 'identity manual' }, [
        el('div', { className: 'rolerow' }, [
          el('span', { className: 'role', text: role ? UI.roles[role] : UI.walk_up }),
          role === 'passenger' ? el('button', { type: 'button', className: 'link', dataset: { action: 'drop-person' }, text: UI.remove_passenger }) : null
        ]),
        field(UI.name, el('input', { dataset: { field: 'name' }, value: m.name, autocomplete: 'off', required: true })),
        field(UI.doc_type, el('select', { dataset: { field: 'doc_type' } }, docOptions)),
        field(UI.doc_number, el('input', { dataset: { field: 'doc_number' }, value: m.doc_number, autocomplete: 'off', autocapitalize: 'characters', required: true })),
        field(UI.phone_optional, el('input', { dataset: { field: 'phone' }, value: m.phone, inputmode: 'tel', autocomplete: 'off' })),
        field(UI.origin_code, el('input', { dataset: { field: 'origin_code' }, value: person.facts.origin_code, inputmode: 'numeric', maxlength: '6', placeholder: '620702', autocomplete: 'off' })),
        el('p', { className: 'field-error', dataset: { errorFor: 'identity' }, role: 'alert' })
      ]);
    }

    function factsBlock(person, index) {
      var f = person.facts;
      return el('div', { className: 'facts' }, [
        el('button', { type: 'button', className: 'facts-toggle', dataset: { action: 'facts' }, 'aria-expanded': person.factsOpen ? 'true' : 'false' }, [
          el('span', { className: 'summary', dataset: { out: 'facts' }, text: factsSummary(f) }),
          el('span', { className: 'edit', text: UI.verify })
        ]),
        el('div', { className: 'facts-edit', hidden: !person.factsOpen }, [
          el('div', { className: 'factrow' }, [el('span', { text: UI.health_code }), chips('health_code', HEALTH_CODES, UI.health_codes, f.health_code, index)]),
          el('div', { className: 'factrow' }, [el('span', { text: UI.itinerary }), chips('itinerary', ITINERARIES, UI.itineraries, f.itinerary, index)]),
          el('div', { className: 'factrow' }, [el('span', { text: UI.nat }), chips('nat_result', NAT_RESULTS, UI.nat_results, f.nat_result, index)]),
          el('label', { className: 'factrow natdate', hidden: !f.nat_result }, [
            el('span', { text: UI.nat_date }),
            el('input', { type: 'date', dataset: { field: 'nat_date' }, value: natDate(f.nat_at) })
          ]),
          el('label', { className: 'symptoms' }, [
            el('input', { type: 'checkbox', dataset: { field: 'symptoms' }, checked: f.symptoms }),
            UI.symptoms
          ])
        ])
      ]);
    }

    function decideBlock(person, index) {
      // The outcomes as the server lists them (screening.choices.Outcome), in its order.
      var options = Object.keys(S.outcomes).map(function (outcome) {
        return el('label', { className: 'chip o-' + outcome }, [
          el('input', { type: 'radio', name: 'outcome-' + index, value: outcome, dataset: { field: 'outcome' } }),
          outcomeLabel(outcome)
        ]);
      });
      return el('div', { className: 'decide' }, [
        el('div', { className: 'temprow' }, [
          el('label', { className: 'temp' }, [
            el('span', { text: UI.temperature }),
            el('input', { dataset: { field: 'temperature' }, inputmode: 'decimal', placeholder: '℃', autocomplete: 'off', value: person.temperature, 'aria-label': UI.temperature }),
            el('span', { className: 'unit', text: '℃' })
          ]),
          el('div', { className: 'rec', dataset: { out: 'rec' } })
        ]),
        el('p', { className: 'field-error', dataset: { errorFor: 'temperature' }, role: 'alert' }),
        el('ul', { className: 'reasons', dataset: { out: 'reasons' } }),
        el('div', { className: 'outcome-line' }, [
          el('span', { text: UI.outcome }),
          el('b', { className: 'pill', dataset: { out: 'outcome' } }),
          el('button', { type: 'button', className: 'link', dataset: { action: 'change' }, text: UI.change })
        ]),
        el('div', { className: 'override', hidden: !person.outcome && !person.overrideReason && !person.note }, [
          el('div', { className: 'chips outcomes', role: 'radiogroup', 'aria-label': UI.outcome }, options),
          field(UI.override_reason, el('input', { dataset: { field: 'override_reason' }, autocomplete: 'off', maxlength: '200', value: person.overrideReason })),
          el('p', { className: 'field-error', dataset: { errorFor: 'override' }, role: 'alert' }),
          field(UI.note, el('input', { dataset: { field: 'note' }, autocomplete: 'off', maxlength: '200', value: person.note }))
        ])
      ]);
    }

    // The kind the officer sees: unconfirmed by default, so that a declared ambulance gets no
    // green channel until the officer looks and says so (or corrects it).
    function kindPicker() {
      var kinds = S.vehicle_kinds || {};
      var declared = party.declaredKind && kinds[party.declaredKind];
      var unconfirmed = declared ? fmt(UI.kind_unconfirmed, { kind: declared }) : UI.kind_unconfirmed_none;
      var options = [el('option', { value: '', text: unconfirmed, selected: !party.confirmedKind })];
      Object.keys(kinds).forEach(function (value) {
        options.push(el('option', { value: value, text: kinds[value], selected: value === party.confirmedKind }));
      });
      return el('label', { className: 'kindpick' }, [
        el('span', { text: UI.vehicle_kind }),
        el('select', { dataset: { party: 'vehicle_kind' } }, options)
      ]);
    }

    /* The vehicle of a party entered by hand: its plate as typed (upper-case), drawn as the
     * plate it is (green for new energy) once it is one, and the kind the officer sees. */
    function manualVehicleBlock() {
      var plate = Plate.clean(party.plate);
      return el('div', { className: 'manualvehicle' }, [
        el('div', { className: 'platerow' }, [
          field(UI.plate, el('input', {
            dataset: { party: 'plate' }, value: party.plate, autocomplete: 'off', autocapitalize: 'characters',
            spellcheck: 'false', maxlength: '12', placeholder: UI.plate_example
          })),
          el('b', { className: plateClass(plate), dataset: { out: 'plate' }, hidden: !plate || Boolean(Plate.problem(plate)), text: plate }),
          el('button', { type: 'button', className: 'link', dataset: { action: 'drop-vehicle' }, text: UI.remove_vehicle })
        ]),
        el('p', { className: 'field-error', dataset: { errorFor: 'plate' }, role: 'alert' }),
        kindPicker()
      ]);
    }

    function partyTitle() {
      if (party.manual) return el('b', { text: party.vehicle ? UI.manual_vehicle : UI.walk_up });
      if (party.plate) return el('b', { className: plateClass(party.plate), text: party.plate });
      return el('b', { text: UI.on_foot });
    }

    function renderParty(panel) {
      panel.textContent = '';
      var manualVehicle = party.manual && party.vehicle;
      var head = el('div', { className: 'partyhead' }, [
        el('button', { type: 'button', className: 'back', dataset: { action: 'back' }, text: '‹ ' + UI.back }),
        partyTitle(),
        party.manual && !party.vehicle ? el('button', { type: 'button', className: 'secondary addvehicle', dataset: { action: 'add-vehicle' }, text: '+ ' + UI.add_vehicle }) : null,
        manualVehicle ? manualVehicleBlock() : null,
        party.vehicle && !party.manual ? kindPicker() : null,
        party.vehicle && party.vehicle.pass_state !== 'none' ? el('span', { className: 'passstate ' + party.vehicle.pass_state, text: UI.pass_states[party.vehicle.pass_state] }) : null,
        party.origin ? el('div', { className: 'origin', text: UI.from + ' ' + party.origin + (party.destination ? ' → ' + party.destination : '') }) : null
      ]);
      panel.appendChild(head);
      panel.appendChild(el('div', { className: 'groupbanner', dataset: { out: 'group' } }));
      party.people.forEach(function (person, index) {
        panel.appendChild(el('article', { className: 'person', dataset: { index: index } }, [
          identityBlock(person, index),
          factsBlock(person, index),
          decideBlock(person, index)
        ]));
      });
      if (manualVehicle) {
        panel.appendChild(el('button', { type: 'button', className: 'secondary addpassenger', dataset: { action: 'add-passenger' }, text: '+ ' + UI.add_passenger }));
      }
      panel.appendChild(el('div', { className: 'confirmbar' }, [
        el('button', { type: 'button', className: 'primary confirm', dataset: { action: 'confirm' } })
      ]));
    }

    // --- recomputing the recommendation ---------------------------------------------------------

    function parseTemperature(text) {
      var value = String(text || '').replace(',', '.').trim();
      if (!value) return { value: null, error: null };
      var number = Math.round(Number(value) * 10) / 10;
      if (!Rules.temperaturePlausible(number)) return { value: null, error: UI.temperature_implausible };
      return { value: number, error: null };
    }

    function ruleInput(person) {
      var f = person.facts;
      return {
        temperature_c: parseTemperature(person.temperature).value,
        health_code: f.health_code,
        itinerary: f.itinerary,
        nat_at: f.nat_result ? f.nat_at || null : null,
        nat_result: f.nat_result || null,
        origin_code: /^\d{6}$/.test(f.origin_code || '') ? f.origin_code : null,
        places_passed: f.places_passed,
        symptoms: f.symptoms
      };
    }

    function message(reason) {
      return Rules.message(reason, S, app.policy());
    }

    function recompute() {
      if (!party) return;
      var now = Date.now();
      var inputs = party.people.map(ruleInput);
      var grouped = party.vehicle || inputs.length > 1;
      var decision = grouped
        ? Rules.decideGroup(inputs, party.vehicle, app.policy(), now)
        : Rules.decide(inputs[0], null, app.policy(), now);
      var perPerson = grouped ? decision.people : [decision];
      var panel = $('party');
      party.decision = decision;
      party.people.forEach(function (person, index) {
        var d = perPerson[index];
        person.recommended = d.outcome;
        var card = panel.querySelector('article.person[data-index="' + index + '"]');
        var rec = card.querySelector('[data-out="rec"]');
        rec.className = 'rec o-' + d.outcome;
        rec.textContent = UI.recommended + '：' + outcomeLabel(d.outcome);
        var list = card.querySelector('[data-out="reasons"]');
        list.textContent = '';
        d.reasons.forEach(function (r) {
          var action = app.policy().actions[r.code];
          list.appendChild(el('li', { className: 'o-' + action, text: message(r) }));
        });
        var chosen = person.outcome || d.outcome;
        var pill = card.querySelector('[data-out="outcome"]');
        pill.className = 'pill o-' + chosen;
        pill.textContent = outcomeLabel(chosen) + (chosen !== d.outcome ? ' · ' + UI.overridden : '');
        card.querySelectorAll('input[data-field="outcome"]').forEach(function (radio) {
          radio.checked = radio.value === chosen;
          radio.parentNode.classList.toggle('on', radio.checked);
        });
        card.querySelector('[data-out="facts"]').textContent = factsSummary(person.facts);
      });
      var banner = panel.querySelector('[data-out="group"]');
      banner.className = 'groupbanner o-' + decision.outcome;
      banner.textContent = (grouped ? UI.group_recommended : UI.recommended) + '：' + outcomeLabel(decision.outcome);
      var outcomes = party.people.map(function (p) { return p.outcome || p.recommended; });
      var same = outcomes.every(function (o) { return o === outcomes[0]; });
      var button = panel.querySelector('[data-action="confirm"]');
      button.textContent = fmt(same ? UI.confirm_as : UI.confirm_mixed, { outcome: outcomeLabel(outcomes[0]), n: outcomes.length });
      button.className = 'primary confirm o-' + (same ? outcomes[0] : 'mixed');
    }

    // --- editing ----------------------------------------------------------------------------------

    function onKindInput(target) {
      party.confirmedKind = target.value;
      party.vehicle.kind = target.value || party.declaredKind || 'car';
      party.vehicle.kind_confirmed = Boolean(target.value);
      recompute();
    }

    /* Upper-case as typed (the caret stays where it was); the plate drawn once it is one. */
    function onPlateInput(target) {
      var at = target.selectionStart;
      var upper = target.value.toUpperCase();
      if (upper !== target.value) {
        target.value = upper;
        if (at !== null) target.setSelectionRange(at, at);
      }
      party.plate = upper;
      var plate = Plate.clean(upper);
      var shown = $('party').querySelector('[data-out="plate"]');
      shown.className = plateClass(plate);
      shown.textContent = plate;
      shown.hidden = !plate || Boolean(Plate.problem(plate));
      showError($('party'), 'plate', '');
    }

    function onPartyInput(event) {
      var target = event.target;
      if (target.dataset.party === 'vehicle_kind' && party && party.vehicle) return onKindInput(target);
      if (target.dataset.party === 'plate' && party && party.vehicle) return onPlateInput(target);
      var name = target.dataset.field;
      if (!name || !party) return;
      var card = target.closest('article.person');
      var person = party.people[Number(card.dataset.index)];
      var f = person.facts;
      switch (name) {
        case 'temperature': person.temperature = target.value; showError(card, 'temperature', ''); break;
        case 'health_code': f.health_code = target.value; break;
        case 'itinerary': f.itinerary = target.value; break;
        case 'nat_result':
          f.nat_result = target.value;
          card.querySelector('.natdate').hidden = !target.value;
          if (target.value && !f.nat_at) f.nat_at = new Date(Date.now() - 12 * 3600e3).toISOString();
          break;
        case 'nat_date': f.nat_at = target.value ? localMidnight(target.value) : ''; break;
        case 'symptoms': f.symptoms = target.checked; break;
        case 'origin_code': f.origin_code = target.value.trim(); break;
        case 'outcome': person.outcome = target.value === person.recommended ? null : target.value; showError(card, 'override', ''); break;
        case 'override_reason': person.overrideReason = target.value; showError(card, 'override', ''); break;
        case 'note': person.note = target.value; break;
        default:
          if (person.manual) person.manual[name] = target.value;
      }
      if (target.type === 'radio') {
        card.querySelectorAll('input[name="' + target.name + '"]').forEach(function (radio) {
          radio.parentNode.classList.toggle('on', radio.checked);
        });
      }
      recompute();
    }

    function localMidnight(day) {
      return new Date(Date.parse(day + 'T00:00:00Z') - app.policy().offset * 60e3).toISOString();
    }

    function showError(card, key, text) {
      var node = card.querySelector('[data-error-for="' + key + '"]');
      if (node) node.textContent = text;
      return text ? 1 : 0;
    }

    function onPartyClick(event) {
      var button = event.target.closest('button[data-action]');
      if (!button) return;
      var action = button.dataset.action;
      var card = button.closest('article.person');
      if (action === 'back') closeParty();
      else if (action === 'confirm') confirmParty();
      else if (action === 'add-vehicle') addVehicle();
      else if (action === 'drop-vehicle') dropVehicle();
      else if (action === 'add-passenger') addPassenger();
      else if (action === 'drop-person') dropPassenger(Number(card.dataset.index));
      else if (action === 'change') {
        var box = card.querySelector('.override');
        box.hidden = !box.hidden;
        if (!box.hidden) box.querySelector('input[data-field="override_reason"]').focus();
      } else if (action === 'facts') {
        var edit = card.querySelector('.facts-edit');
        edit.hidden = !edit.hidden;
        button.setAttribute('aria-expanded', edit.hidden ? 'false' : 'true');
      }
    }

    // GB 11643: the 18th character checks the first 17.
    function residentIdValid(number) {
      var text = number.toUpperCase();
      if (!/^\d{17}[\dX]$/.test(text)) return false;
      var weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
      var sum = 0;
      for (var i = 0; i < 17; i += 1) sum += Number(text[i]) * weights[i];
      return '10X98765432'[sum % 11] === text[17];
    }

    function validate() {
      var panel = $('party');
      var problems = 0;
      party.people.forEach(function (person, index) {
        var card = panel.querySelector('article.person[data-index="' + index + '"]');
        var t = parseTemperature(person.temperature);
        problems += showError(card, 'temperature', t.error || (t.value === null ? UI.temperature_required : ''));
        var chosen = person.outcome || person.recommended;
        var needsReason = chosen !== person.recommended && !person.overrideReason.trim();
        problems += showError(card, 'override', needsReason ? UI.override_required : '');
        if (needsReason) card.querySelector('.override').hidden = false;
        if (person.manual) {
          var m = person.manual;
          var error = '';
          if (!m.name.trim()) error = UI.name_required;
          else if (!m.doc_number.trim()) error = UI.document_required;
          else if (m.doc_type === 'resident_id' && !residentIdValid(m.doc_number.trim())) error = UI.id_invalid;
          else if (person.facts.origin_code && !/^\d{6}$/.test(person.facts.origin_code)) error = UI.origin_invalid;
          problems += showError(card, 'identity', error);
        }
      });
      if (party.manual && party.vehicle) {
        var plateProblem = Plate.problem(party.plate);
        problems += showError(panel, 'plate', plateProblem ? UI.plate_errors[plateProblem] || UI.plate_errors.plate_serial : '');
      }
      var first = panel.querySelector('.field-error:not(:empty)');
      if (first) first.scrollIntoView({ block: 'center' });
      return problems === 0;
    }

    function observedFacts(person) {
      var f = person.facts;
      var facts = {};
      var before = person.declared;
      ['health_code', 'itinerary', 'nat_result', 'nat_at', 'symptoms', 'origin_code'].forEach(function (key) {
        if (!before || before[key] !== f[key]) facts[key] = f[key];
      });
      // "none" says the officer saw no test, which a null (keep the declaration) cannot say.
      if ('nat_result' in facts && !facts.nat_result) { facts.nat_result = before ? 'none' : null; facts.nat_at = null; }
      if ('nat_result' in facts && facts.nat_result && !('nat_at' in facts)) facts.nat_at = f.nat_at;
      if (facts.origin_code === '') delete facts.origin_code;
      if (facts.nat_at === '') facts.nat_at = null;
      return facts;
    }

    function checkItem(person, site, checkedAt, index) {
      var key = OutboxLib.newKey();
      var body = {
        idempotency_key: key,
        site_id: site.id,
        temperature: parseTemperature(person.temperature).value,
        outcome: person.outcome || person.recommended,
        override_reason: person.outcome ? person.overrideReason.trim() : '',
        note: person.note.trim(),
        checked_at: checkedAt,
        shown_recommendation: person.recommended,
        facts: observedFacts(person)
      };
      var name = person.name;
      if (person.manual) {
        body.person = {
          name: person.manual.name.trim(),
          doc_type: person.manual.doc_type,
          doc_number: person.manual.doc_number.trim().toUpperCase(),
          phone: person.manual.phone.trim()
        };
        name = maskName(body.person.name);
        if (party.vehicle) {
          body.vehicle = {
            group_key: party.groupKey,
            plate: Plate.clean(party.plate),
            kind: party.confirmedKind || '',
            role: manualRole(index)
          };
        }
      } else {
        body.registration_id = person.registrationId;
        if (party.confirmedKind) body.vehicle_kind = party.confirmedKind;
      }
      return {
        key: key,
        created: checkedAt,
        user: config.user.username,
        status: 'pending',
        body: body,
        summary: { name: name, site: site.name, plate: Plate.clean(party.plate || '') }
      };
    }

    function confirmParty() {
      var site = app.currentSite();
      if (!site) {
        toast(UI.site_required, 'bad');
        $('site').focus();
        return;
      }
      recompute();
      if (!validate()) return;
      var checkedAt = new Date().toISOString();
      var items = party.people.map(function (person, index) { return checkItem(person, site, checkedAt, index); });
      app.outbox().addAll(items).then(function () {
        closeParty();
        app.recorded(items);
      }, function (error) {
        toast(String(error), 'bad');
      });
    }

    var panel = $('party');
    panel.addEventListener('input', onPartyInput);
    panel.addEventListener('change', onPartyInput);
    panel.addEventListener('click', onPartyClick);

    return {
      fromLookup: fromLookup,
      manual: manualParty,
      open: openParty,
      close: closeParty,
      recompute: recompute,
      isOpen: function () { return party !== null; }
    };
  }

  window.FangkongParty = { create: create };
})();
