#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "csv/reader.hpp"
#include "csv/writer.hpp"

namespace cis::csv {
namespace {

// Reads `text` fed in pieces of `chunk` bytes (to cover records split across feeds).
std::vector<Record> read_all(std::string_view text, std::size_t chunk = 1 << 20, Limits limits = {},
                             Position start = {}) {
    std::vector<Record> out;
    Reader reader(limits, start);
    const Sink sink = [&](Record&& r) { out.push_back(std::move(r)); };
    for (std::size_t i = 0; i < text.size(); i += chunk) reader.feed(text.substr(i, chunk), sink);
    reader.finish(sink);
    return out;
}

using Fields = std::vector<std::string>;

TEST(CsvReader, ReadsQuotedFieldsWithLineNumbers) {
    const std::string text =
        "email,name\r\n"
        "a@example.com,\"Doe, Jane\"\r\n"
        "\r\n"
        "b@example.com,\"Multi\nline \"\"quoted\"\"\"\r\n"
        "c@example.com,  padded  \n";
    for (std::size_t chunk : {1u, 3u, 7u, 1000u}) {
        const auto records = read_all(text, chunk);
        ASSERT_EQ(records.size(), 4u) << "chunk " << chunk;
        EXPECT_EQ(records[0].fields, (Fields{"email", "name"}));
        EXPECT_EQ(records[1].line, 2u);
        EXPECT_EQ(records[1].fields, (Fields{"a@example.com", "Doe, Jane"}));
        EXPECT_EQ(records[2].line, 4u);
        EXPECT_EQ(records[2].fields, (Fields{"b@example.com", "Multi\nline \"quoted\""}));
        EXPECT_EQ(records[3].line, 6u);
        EXPECT_EQ(records[3].fields, (Fields{"c@example.com", "padded"}));
        EXPECT_EQ(records[3].next.line, 7u);
        EXPECT_EQ(records[3].next.offset, text.size());
    }
}

TEST(CsvReader, SkipsBomAndReadsLastLineWithoutNewline) {
    const auto records = read_all("\xEF\xBB\xBF" "Email\nx@y.org");
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].fields, (Fields{"Email"}));
    EXPECT_EQ(records[1].fields, (Fields{"x@y.org"}));
    EXPECT_EQ(records[1].line, 2u);
}

TEST(CsvReader, StrayQuoteFailsOneRecordOnly) {
    const auto records = read_all("a@x.org,ok\nb@x.org,bad\"quote\n\"c@x.org\"junk,x\nd@x.org,fine\n");
    ASSERT_EQ(records.size(), 4u);
    EXPECT_TRUE(records[0].ok());
    EXPECT_FALSE(records[1].ok());
    EXPECT_EQ(records[1].line, 2u);
    EXPECT_NE(records[1].error.find("malformed quoting"), std::string::npos);
    EXPECT_TRUE(records[1].fields.empty());
    EXPECT_FALSE(records[2].ok());
    EXPECT_EQ(records[2].line, 3u);
    EXPECT_EQ(records[3].fields, (Fields{"d@x.org", "fine"}));
    EXPECT_EQ(records[3].line, 4u);
}

TEST(CsvReader, UnterminatedQuoteResynchronisesAtTheNextLine) {
    // At the end of input: the open quote fails its record; the lines it swallowed come back.
    auto records = read_all("a@x.org,\"never closed\nb@x.org,B\nc@x.org,C\n");
    ASSERT_EQ(records.size(), 3u);
    EXPECT_FALSE(records[0].ok());
    EXPECT_EQ(records[0].line, 1u);
    EXPECT_NE(records[0].error.find("not closed"), std::string::npos);
    EXPECT_EQ(records[1].fields, (Fields{"b@x.org", "B"}));
    EXPECT_EQ(records[1].line, 2u);
    EXPECT_EQ(records[2].line, 3u);

    // Within the file: the line limit gives up the record long before the end.
    std::string text = "a@x.org,\"open\n";
    for (int i = 0; i < 100; ++i) text += "r" + std::to_string(i) + "@x.org,N\n";
    records = read_all(text, 5, Limits{.max_record_lines = 4});
    ASSERT_EQ(records.size(), 101u);
    EXPECT_FALSE(records[0].ok());
    for (std::size_t i = 1; i < records.size(); ++i) {
        ASSERT_TRUE(records[i].ok()) << records[i].error;
        EXPECT_EQ(records[i].line, i + 1);
    }
}

TEST(CsvReader, EnforcesFieldAndLineLimits) {
    const std::string big(200, 'x');
    const auto records = read_all("a," + big + "\n" + big + big + "\nb,c\n", 16,
                                  Limits{.max_field_bytes = 100, .max_record_bytes = 300});
    ASSERT_EQ(records.size(), 3u);
    EXPECT_NE(records[0].error.find("field is longer than 100"), std::string::npos);
    EXPECT_EQ(records[1].line, 2u);
    EXPECT_NE(records[1].error.find("line longer than 300"), std::string::npos);
    EXPECT_EQ(records[2].fields, (Fields{"b", "c"}));
    EXPECT_EQ(records[2].line, 3u);
}

TEST(CsvReader, OverlongLastLineWithoutNewline) {
    const std::string text = "a,b\n" + std::string(500, 'x');
    const auto records = read_all(text, 7, Limits{.max_record_bytes = 100});
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[1].line, 2u);
    EXPECT_FALSE(records[1].ok());
    EXPECT_EQ(records[1].next.offset, text.size());
}

TEST(CsvReader, ResumesFromARecordsNextPosition) {
    const std::string text = "h1,h2\nx,1\ny,2\nz,3\n";
    const auto all = read_all(text);
    ASSERT_EQ(all.size(), 4u);
    const Position resume = all[1].next;
    const auto rest = read_all(std::string_view(text).substr(resume.offset), 2, {}, resume);
    ASSERT_EQ(rest.size(), 2u);
    EXPECT_EQ(rest[0].line, 3u);
    EXPECT_EQ(rest[0].fields, (Fields{"y", "2"}));
    EXPECT_EQ(rest[1].next.offset, text.size());
}

TEST(CsvHeader, MatchesNamesCaseInsensitively) {
    const Header header(Fields{" Email ", "NAME", "extra"});
    EXPECT_EQ(header.find("email"), 0u);
    EXPECT_EQ(header.find("Name"), 1u);
    EXPECT_FALSE(header.find("event"));
    Record r;
    r.fields = {"a@b.c"};
    EXPECT_EQ(header.value(r, "email"), "a@b.c");
    EXPECT_EQ(header.value(r, "name"), "");  // the row is shorter than the header
}

TEST(CsvWriter, QuotesAndNeutralisesFormulas) {
    EXPECT_EQ(cell("plain"), "plain");
    EXPECT_EQ(cell("a,b"), "\"a,b\"");
    EXPECT_EQ(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(cell("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(cell("=SUM(A1)"), "'=SUM(A1)");
    EXPECT_EQ(cell("+1"), "'+1");
    EXPECT_EQ(cell("-2"), "'-2");
    EXPECT_EQ(cell("@cmd"), "'@cmd");
    EXPECT_EQ(cell("\tx"), "'\tx");
    EXPECT_EQ(cell("\rx"), "\"'\rx\"");
    EXPECT_EQ(cell("=1,2"), "\"'=1,2\"");
    EXPECT_EQ(cell(""), "");
    std::string out;
    append_row(out, {"email", "a,b", "=x"});
    EXPECT_EQ(out, "email,\"a,b\",'=x\r\n");
}

TEST(CsvWriter, WhatItWritesReadsBack) {
    const Fields values{"a b", "c,d", "multi\r\nline", "q\"uote", "@at", ""};
    std::string out;
    append_row(out, std::vector<std::string_view>(values.begin(), values.end()));
    const auto records = read_all(out);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].fields, (Fields{"a b", "c,d", "multi\r\nline", "q\"uote", "'@at", ""}));
}

}  // namespace
}  // namespace cis::csv
