#pragma once
// CSV files attached to an incoming message (a batch of events mailed to create@).
#include <string>
#include <string_view>
#include <vector>

namespace cis::mail {

struct CsvAttachment {
    std::string name;  // the attachment's file name
    std::string text;  // its content, converted to UTF-8 from the declared charset
};

// Whether any of these attachment names (InboundMessage::attachments) is a .csv file.
bool names_csv(const std::vector<std::string>& attachment_names);

// Every part named *.csv, or typed text/csv, application/csv or application/vnd.ms-excel
// with a name, in message order. Never throws on malformed input.
std::vector<CsvAttachment> csv_attachments(std::string_view raw);

}  // namespace cis::mail
