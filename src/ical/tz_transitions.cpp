#include "ical/tz_transitions.hpp"

#include "core/time.hpp"

#include <algorithm>

namespace cis::ical::tz {

std::int32_t Transitions::offset_at(std::int64_t t) const {
    std::int32_t off = initial;
    for (const Transition& c : changes) {
        if (c.at > t) break;
        off = c.offset;
    }
    return off;
}

std::int64_t mismatch(const Transitions& a, const Transitions& b, std::int64_t start,
                      std::int64_t end) {
    std::vector<std::int64_t> cuts = {start, end};
    for (const auto* t : {&a, &b})
        for (const Transition& c : t->changes)
            if (c.at > start && c.at < end) cuts.push_back(c.at);
    std::sort(cuts.begin(), cuts.end());
    std::int64_t total = 0;
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i)
        if (a.offset_at(cuts[i]) != b.offset_at(cuts[i])) total += cuts[i + 1] - cuts[i];
    return total;
}

namespace {

// Finds every change between lo (offset off_lo) and hi (offset off_hi).
void bisect(const std::function<std::int32_t(std::int64_t)>& offset_of, std::int64_t lo,
            std::int32_t off_lo, std::int64_t hi, std::int32_t off_hi,
            std::vector<Transition>& out) {
    if (off_lo == off_hi) return;
    if (hi - lo <= 1) {
        out.push_back({hi, off_hi});
        return;
    }
    const std::int64_t mid = lo + (hi - lo) / 2;
    const std::int32_t off_mid = offset_of(mid);
    bisect(offset_of, lo, off_lo, mid, off_mid, out);
    bisect(offset_of, mid, off_mid, hi, off_hi, out);
}

}  // namespace

Transitions sample_transitions(const std::function<std::int32_t(std::int64_t)>& offset_of,
                               std::int64_t start, std::int64_t end, std::int64_t step) {
    Transitions r;
    r.initial = offset_of(start);
    std::int64_t prev = start;
    std::int32_t prev_off = r.initial;
    while (prev < end) {
        const std::int64_t next = prev + step < end ? prev + step : end;
        const std::int32_t next_off = offset_of(next);
        bisect(offset_of, prev, prev_off, next, next_off, r.changes);
        prev = next;
        prev_off = next_off;
    }
    return r;
}

std::int64_t year_start(int year) {
    return days_from_civil(year, 1, 1) * 86400;
}

}  // namespace cis::ical::tz
