#include "ical/recurrence.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cis::ical {

namespace {
// Expanding a COUNT rule is bounded: a series longer than this is treated as endless
// for the "is it over?" question, which is the safe answer.
constexpr int kMaxExpansion = 100000;

std::optional<std::string> key_of(icalproperty* p, icaltimetype t, TimeReader& times) {
    auto r = times.read(p, t);
    if (!r) return std::nullopt;
    return recurrence_key(r->time);
}
}  // namespace

Recurrence read_recurrence(icalcomponent* c, TimeReader& times,
                           std::vector<std::string>& warnings) {
    Recurrence r;
    if (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY)) {
        const icalrecurrencetype rule = icalproperty_get_rrule(p);
        if (rule.freq == ICAL_NO_RECURRENCE) {
            const char* raw = icalproperty_get_value_as_string(p);
            warnings.push_back(
                fmt::format("the RRULE \"{}\" could not be read and was ignored", raw ? raw : ""));
        } else if (char* s =
                       icalrecurrencetype_as_string_r(const_cast<icalrecurrencetype*>(&rule))) {
            r.rrule = s;
            free(s);
        }
    }
    for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_RDATE_PROPERTY)) {
        const icaldatetimeperiodtype v = icalproperty_get_rdate(p);
        const icaltimetype t = icaltime_is_null_time(v.time) ? v.period.start : v.time;
        if (auto k = key_of(p, t, times)) r.rdates.push_back(*k);
    }
    for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_EXDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_EXDATE_PROPERTY)) {
        if (auto k = key_of(p, icalproperty_get_exdate(p), times)) r.exdates.push_back(*k);
    }
    for (auto* list : {&r.rdates, &r.exdates}) {
        std::sort(list->begin(), list->end());
        list->erase(std::unique(list->begin(), list->end()), list->end());
    }
    return r;
}

std::optional<std::int64_t> last_end(icalcomponent* c, const IncomingEvent& ev,
                                     const ReadTime& start, TimeReader& times) {
    const std::int64_t length = ev.fields.end.utc - ev.fields.start.utc;
    std::int64_t last = ev.fields.end.utc;
    for (const auto& rdate : ev.recurrence.rdates)
        if (auto civil = parse_basic(rdate)) last = std::max(last, civil_to_epoch(*civil) + length);
    if (ev.recurrence.rrule.empty()) return last;

    icalproperty* p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY);
    const icalrecurrencetype rule = icalproperty_get_rrule(p);
    if (!icaltime_is_null_time(rule.until)) {
        // UNTIL bounds the last start; no need to expand.
        const std::int64_t until =
            icaltime_is_utc(rule.until) || rule.until.is_date
                ? civil_to_epoch(civil_of(rule.until))
                : times.in_zone(civil_of(rule.until), false, start).value_or(CalTime{}).utc;
        return std::max(last, until + length + (rule.until.is_date ? 86400 : 0));
    }
    if (rule.count <= 0 || rule.count > kMaxExpansion) return std::nullopt;

    icaltimetype dtstart =
        icalproperty_get_dtstart(icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY));
    dtstart.zone = nullptr;  // expand in wall-clock time, convert the last one only
    icalrecur_iterator* it = icalrecur_iterator_new(rule, dtstart);
    if (!it) return std::nullopt;
    icaltimetype t, final_start = icaltime_null_time();
    for (int i = 0; i < kMaxExpansion && !icaltime_is_null_time(t = icalrecur_iterator_next(it));
         ++i)
        final_start = t;
    icalrecur_iterator_free(it);
    if (icaltime_is_null_time(final_start)) return last;
    auto when = times.in_zone(civil_of(final_start), start.time.is_date, start);
    return std::max(last, (when ? when->utc : civil_to_epoch(civil_of(final_start))) + length);
}

}  // namespace cis::ical
