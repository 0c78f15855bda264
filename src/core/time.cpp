#include "core/time.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>

namespace cis {

// Howard Hinnant's civil-from-days algorithms (public domain description).
std::int64_t days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::int64_t civil_to_epoch(const CivilTime& t) {
    return days_from_civil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 +
           t.second;
}

CivilTime epoch_to_civil(std::int64_t epoch) {
    std::int64_t days = epoch / 86400;
    std::int64_t secs = epoch % 86400;
    if (secs < 0) {
        secs += 86400;
        days -= 1;
    }
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    CivilTime t;
    t.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    t.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    t.year = static_cast<int>(yoe + era * 400 + (t.month <= 2));
    t.hour = static_cast<int>(secs / 3600);
    t.minute = static_cast<int>(secs % 3600 / 60);
    t.second = static_cast<int>(secs % 60);
    return t;
}

namespace {
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}
bool valid(const CivilTime& t) {
    return t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= 31 && t.hour <= 23 &&
           t.minute <= 59 && t.second <= 60;
}
}  // namespace

std::optional<CivilTime> parse_basic(std::string_view s, bool* is_date, bool* is_utc) {
    CivilTime t;
    if (!digits(s, 0, 4, t.year) || !digits(s, 4, 2, t.month) || !digits(s, 6, 2, t.day))
        return std::nullopt;
    bool date = s.size() == 8;
    bool utc = false;
    if (!date) {
        if (s.size() < 15 || s[8] != 'T' || !digits(s, 9, 2, t.hour) ||
            !digits(s, 11, 2, t.minute) || !digits(s, 13, 2, t.second))
            return std::nullopt;
        if (s.size() == 16 && (s[15] == 'Z' || s[15] == 'z'))
            utc = true;
        else if (s.size() != 15)
            return std::nullopt;
    }
    if (!valid(t)) return std::nullopt;
    if (t.second == 60) t.second = 59;  // leap second: keep it inside the minute
    if (is_date) *is_date = date;
    if (is_utc) *is_utc = utc;
    return t;
}

std::string format_basic_utc(std::int64_t epoch) {
    const CivilTime c = epoch_to_civil(epoch);
    return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", c.year, c.month, c.day, c.hour, c.minute,
                       c.second);
}

std::string rfc3339_utc(std::int64_t epoch) {
    const CivilTime c = epoch_to_civil(epoch);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", c.year, c.month, c.day, c.hour,
                       c.minute, c.second);
}

std::string to_rfc3339(const CalTime& t) {
    if (t.is_date) {
        const CivilTime c = epoch_to_civil(t.utc);
        return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
    }
    bool is_utc = false;
    const auto local = parse_basic(t.local, nullptr, &is_utc);
    if (!local || is_utc || t.floating) return rfc3339_utc(t.utc);
    const std::int64_t offset = civil_to_epoch(*local) - t.utc;
    const CivilTime c = *local;
    const std::int64_t a = offset < 0 ? -offset : offset;
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}", c.year, c.month, c.day,
                       c.hour, c.minute, c.second, offset < 0 ? '-' : '+', a / 3600, a % 3600 / 60);
}

std::optional<std::int64_t> parse_rfc3339(std::string_view s) {
    // YYYY-MM-DD[THH:MM:SS[.frac](Z|±HH:MM)]
    CivilTime t;
    if (s.size() < 10 || !digits(s, 0, 4, t.year) || s[4] != '-' || !digits(s, 5, 2, t.month) ||
        s[7] != '-' || !digits(s, 8, 2, t.day))
        return std::nullopt;
    if (s.size() == 10) return valid(t) ? std::optional(civil_to_epoch(t)) : std::nullopt;
    if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, t.hour) ||
        s[13] != ':' || !digits(s, 14, 2, t.minute) || s[16] != ':' || !digits(s, 17, 2, t.second))
        return std::nullopt;
    std::size_t pos = 19;
    if (pos < s.size() && s[pos] == '.')
        while (++pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        }
    if (!valid(t) || pos >= s.size()) return std::nullopt;
    std::int64_t offset = 0;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        if (pos + 1 != s.size()) return std::nullopt;
    } else {
        int oh = 0, om = 0;
        if ((s[pos] != '+' && s[pos] != '-') || pos + 6 != s.size() || !digits(s, pos + 1, 2, oh) ||
            s[pos + 3] != ':' || !digits(s, pos + 4, 2, om))
            return std::nullopt;
        offset = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    }
    return civil_to_epoch(t) - offset;
}

}  // namespace cis
