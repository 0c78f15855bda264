#pragma once
// A file of events for the batch import (SPEC §3.6), read: what services/event_import
// applies, and what a create@ message with such attachments carries (services/intake.hpp).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"

namespace cis::services {

// More events than this in one import are refused as a whole: one import is one write
// transaction, and a file this large is more likely a mistake than a season.
constexpr std::size_t kMaxImportEvents = 20000;

// An entry of the file that never became an event (a CSV row that cannot be read).
struct ImportProblem {
    std::string key;  // the row's uid, or "row 7" when it has none
    std::string summary;
    std::string reason;
};

// One file, read.
struct ImportFile {
    std::string where;   // for explanations: "attachment season.csv", "the request body"
    std::string method;  // the calendar's METHOD ("" for CSV and for none)
    IncomingCalendar calendar;
    std::vector<ImportProblem> problems;
    std::vector<std::string> warnings;
    std::string error;  // non-empty when nothing in the file could be used
};

ImportFile read_ics_import(std::string_view text, std::string where);
// CSV with a header row: summary, start, end, timezone, location, description, uid
// (any order, any letter case; summary and start required). `now` is the version stamp
// of the rows, so a re-import with changed rows is an update (services/event_csv.cpp).
ImportFile read_csv_import(std::string_view text, std::string where, std::int64_t now);

}  // namespace cis::services
