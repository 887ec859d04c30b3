/* The screening rules, ported from fangkong/screening/rules.py for the officer's phone.
 *
 * The phone shows a recommendation at once and without a network; the server recomputes it
 * on sync with the Python engine, which is the record. Keep this file in step with rules.py:
 * tests/screening/test_rules_js.py runs the same cases through both.
 *
 * Plain ES2017, no dependencies. Times are milliseconds since the epoch; dates are
 * "YYYY-MM-DD" strings in the policy's local time (utc_offset_minutes, China has no DST).
 */
(function (root, factory) {
  'use strict';
  if (typeof module === 'object' && module.exports) {
    module.exports = factory();
  } else {
    root.FangkongRules = factory();
  }
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  // The readings the server takes, as rules.PLAUSIBLE_TEMPERATURE_C (a test compares them).
  var PLAUSIBLE_TEMPERATURE_C = [34.0, 42.0];
  var HOUR = 3600e3;
  var DAY = 86400e3;
  var TOLERANCE = 1e-6;
  var DEFAULT_SEVERITY = {
    priority_pass: 0, pass: 1, test_then_pass: 2, persuade_return: 3, refer_health: 4
  };
  var LEVEL_RANK = { low: 0, medium: 1, high: 2 };
  var ORIGIN_RULES = { high: 'origin_high_risk', medium: 'origin_medium_risk' };
  var PASSED_RULES = { high: 'passed_high_risk', medium: 'passed_medium_risk' };
  var HEALTH_CODE_RULES = {
    red: 'health_code_red', yellow: 'health_code_yellow', unknown: 'health_code_unknown'
  };
  var ITINERARY_RULES = {
    risk: 'itinerary_risk', star: 'itinerary_star', unknown: 'itinerary_unknown'
  };
  var PASS_STATE_RULES = {
    valid: 'vehicle_pass_valid', expired: 'vehicle_pass_expired', revoked: 'vehicle_pass_revoked'
  };

  // Like Python's round(x, 1): from the exact binary value, not from x * 10.
  function round1(value) {
    return Number(value.toFixed(1));
  }

  function toMs(value) {
    if (value === null || value === undefined || value === '') return null;
    if (typeof value === 'number') return value;
    var ms = Date.parse(value);
    return isNaN(ms) ? null : ms;
  }

  function dayNumber(iso) {
    var parts = iso.split('-').map(Number);
    return Date.UTC(parts[0], parts[1] - 1, parts[2]) / DAY;
  }

  function localDay(ms, offsetMinutes) {
    return new Date(ms + offsetMinutes * 60e3).toISOString().slice(0, 10);
  }

  function dayStartMs(iso, offsetMinutes) {
    return dayNumber(iso) * DAY - offsetMinutes * 60e3;
  }

  /* The policy as GET /api/v1/policy/current returns it, with times parsed once. */
  function preparePolicy(json) {
    var areas = (json.risk_areas || []).map(function (area) {
      return {
        code: area.code,
        name: area.name,
        level: area.level,
        startsMs: toMs(area.starts),
        endsMs: area.ends ? toMs(area.ends) : null
      };
    });
    return {
      version: json.version,
      actions: json.actions,
      severity: json.severity || DEFAULT_SEVERITY,
      priorityRules: new Set(json.priority_rules || ['special_vehicle', 'vehicle_pass_valid']),
      threshold: json.temperature_threshold_c,
      natMaxAgeHours: json.nat_max_age_hours,
      lookbackDays: json.lookback_days,
      priorityKinds: new Set(json.priority_vehicle_kinds || []),
      areas: areas,
      offset: json.utc_offset_minutes === undefined ? 480 : json.utc_offset_minutes,
      json: json
    };
  }

  function covers(area, divisionCode) {
    var county = divisionCode.slice(0, 6);
    if (/0000$/.test(area.code)) return county.slice(0, 2) === area.code.slice(0, 2);
    if (/00$/.test(area.code)) return county.slice(0, 4) === area.code.slice(0, 4);
    return county === area.code;
  }

  function inForceDuring(area, start, end) {
    return area.startsMs <= end && (area.endsMs === null || area.endsMs > start);
  }

  function worstArea(code, areas, start, end) {
    var best = null;
    areas.forEach(function (area) {
      if (covers(area, code) && inForceDuring(area, start, end)) {
        if (best === null || LEVEL_RANK[area.level] > LEVEL_RANK[best.level]) best = area;
      }
    });
    return best;
  }

  function reason(code, params) {
    return { code: code, params: params || {} };
  }

  function temperatureReasons(person, policy, out) {
    var reading = person.temperature_c;
    if (reading !== null && reading !== undefined && reading >= policy.threshold - TOLERANCE) {
      out.push(reason('temperature_high', {
        temperature_c: reading, threshold_c: policy.threshold
      }));
    }
    if (person.symptoms) out.push(reason('symptoms'));
  }

  function cardReasons(person, out) {
    if (HEALTH_CODE_RULES[person.health_code]) out.push(reason(HEALTH_CODE_RULES[person.health_code]));
    if (ITINERARY_RULES[person.itinerary]) out.push(reason(ITINERARY_RULES[person.itinerary]));
  }

  function natReasons(person, policy, now, out) {
    var taken = toMs(person.nat_at);
    var result = person.nat_result || null;
    if (taken === null || result === null || taken > now) {
      out.push(reason('nat_missing'));
      return;
    }
    var age = now - taken;
    var ageHours = round1(age / HOUR);
    if (result === 'positive' && age <= policy.lookbackDays * DAY) {
      out.push(reason('nat_positive', { age_hours: ageHours }));
    } else if (age > policy.natMaxAgeHours * HOUR) {
      out.push(reason('nat_expired', {
        age_hours: ageHours, max_age_hours: round1(policy.natMaxAgeHours)
      }));
    } else if (result === 'pending') {
      out.push(reason('nat_pending', { age_hours: ageHours }));
    }
  }

  function areaReasons(person, policy, now, out) {
    if (person.origin_code) {
      var origin = worstArea(person.origin_code, policy.areas, now, now);
      if (origin && ORIGIN_RULES[origin.level]) {
        out.push(reason(ORIGIN_RULES[origin.level], {
          division_code: person.origin_code, area_code: origin.code
        }));
      }
    }
    var today = localDay(now, policy.offset);
    var todayNumber = dayNumber(today);
    var earliest = todayNumber - policy.lookbackDays;
    (person.places_passed || []).forEach(function (place) {
      var on = place.date || place.on;
      var code = place.code || place.division_code;
      if (!on || !code) return;
      var onNumber = dayNumber(on);
      if (!(earliest <= onNumber && onNumber <= todayNumber)) return;
      var area = worstArea(code, policy.areas, dayStartMs(on, policy.offset), now);
      if (area && PASSED_RULES[area.level]) {
        out.push(reason(PASSED_RULES[area.level], {
          division_code: code, area_code: area.code, on: on
        }));
      }
    });
  }

  function vehicleReasons(vehicle, policy) {
    var out = [];
    if (vehicle) {
      // Only a kind the officer confirmed; a declared one is no evidence (rules.py, Vehicle).
      if (vehicle.kind_confirmed && policy.priorityKinds.has(vehicle.kind)) {
        out.push(reason('special_vehicle', { kind: vehicle.kind }));
      }
      if (PASS_STATE_RULES[vehicle.pass_state]) out.push(reason(PASS_STATE_RULES[vehicle.pass_state]));
    }
    return out;
  }

  function personReasons(person, policy, now) {
    var out = [];
    temperatureReasons(person, policy, out);
    cardReasons(person, out);
    natReasons(person, policy, now, out);
    areaReasons(person, policy, now, out);
    return out;
  }

  function combine(outcomes, policy) {
    var severity = policy.severity;
    var worst = null;
    outcomes.forEach(function (outcome) {
      if (outcome !== 'priority_pass' && (worst === null || severity[outcome] > severity[worst])) {
        worst = outcome;
      }
    });
    worst = worst || 'pass';
    if (worst === 'pass' && outcomes.indexOf('priority_pass') >= 0) return 'priority_pass';
    return worst;
  }

  function decisiveFirst(reasons, outcome, policy) {
    // Array.prototype.sort is stable, as Python's sorted() is.
    return reasons.slice().sort(function (a, b) {
      var actionA = policy.actions[a.code];
      var actionB = policy.actions[b.code];
      var keyA = actionA !== outcome ? 1 : 0;
      var keyB = actionB !== outcome ? 1 : 0;
      if (keyA !== keyB) return keyA - keyB;
      return policy.severity[actionB] - policy.severity[actionA];
    });
  }

  /* One person: {temperature_c, health_code, itinerary, nat_at, nat_result, origin_code,
   * places_passed: [{code, date}], symptoms}; vehicle: {kind, pass_state, kind_confirmed} or null. */
  function decide(person, vehicle, policy, now) {
    var reasons = personReasons(person, policy, now).concat(vehicleReasons(vehicle, policy));
    var outcome = combine(reasons.map(function (r) { return policy.actions[r.code]; }), policy);
    return {
      outcome: outcome,
      reasons: decisiveFirst(reasons, outcome, policy),
      policy_version: policy.version
    };
  }

  function decideGroup(people, vehicle, policy, now) {
    var decisions = people.map(function (person) { return decide(person, vehicle, policy, now); });
    var outcome = combine(decisions.map(function (d) { return d.outcome; }), policy);
    var ownReasons = vehicleReasons(vehicle, policy);
    var vehicleCodes = new Set(ownReasons.map(function (r) { return r.code; }));
    var personReasonsList = [];
    decisions.forEach(function (decision, index) {
      if (decision.outcome !== outcome) return;
      decision.reasons.forEach(function (r) {
        if (vehicleCodes.has(r.code)) return;
        var params = Object.assign({}, r.params, { person: index });
        personReasonsList.push(reason(r.code, params));
      });
    });
    return {
      outcome: outcome,
      reasons: decisiveFirst(personReasonsList.concat(ownReasons), outcome, policy),
      policy_version: policy.version,
      people: decisions
    };
  }

  /* A reason as a sentence, with the translated templates shipped to the page. */
  function message(r, strings, policy) {
    var template = (strings.reasons || {})[r.code];
    if (!template) return r.code;
    var values = {};
    Object.keys(r.params || {}).forEach(function (key) {
      values[key] = String(r.params[key]);
    });
    if (r.params && r.params.area_code) {
      var code = r.params.area_code;
      var match = (policy.areas || []).filter(function (a) { return a.code === code && a.name; })[0];
      values.area = match ? match.name + '（' + code + '）' : code;
    }
    if (r.params && r.params.kind) {
      values.kind = (strings.vehicle_kinds || {})[r.params.kind] || r.params.kind;
    }
    var text = template.replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] !== undefined ? values[key] : '?';
    });
    if (r.params && r.params.person !== undefined && strings.person_prefix) {
      text = strings.person_prefix
        .replace('%(n)s', String(r.params.person + 1))
        .replace('%(message)s', text);
    }
    return text;
  }

  /* Whether a reading (already rounded to 0.1 ℃) is one the server will store. */
  function temperaturePlausible(value) {
    return isFinite(value) && value >= PLAUSIBLE_TEMPERATURE_C[0] && value <= PLAUSIBLE_TEMPERATURE_C[1];
  }

  return {
    PLAUSIBLE_TEMPERATURE_C: PLAUSIBLE_TEMPERATURE_C,
    temperaturePlausible: temperaturePlausible,
    preparePolicy: preparePolicy,
    decide: decide,
    decideGroup: decideGroup,
    combine: combine,
    message: message,
    localDay: localDay
  };
});
