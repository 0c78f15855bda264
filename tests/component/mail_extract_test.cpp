// Finding the calendar in real clients' messages (shared/CLIENT-QUIRKS.md §1, §3).
#include <gtest/gtest.h>

#include "ical/parse_calendar.hpp"
#include "mail/charset.hpp"
#include "mail/inbound_message.hpp"
#include "support/test_support.hpp"

namespace cis::mail {
namespace {

TEST(MailExtract, EveryCorpusInvitationYieldsOneCalendarWithAVevent) {
    CIS_REQUIRE_CORPUS();
    for (const char* folder : {"inbound-request", "inbound-cancel", "replies"}) {
        for (const auto& path : test::files_in(test::corpus_dir() / folder)) {
            if (path.extension() != ".eml") continue;
            const auto msg = parse_inbound(test::read_file(path));
            ASSERT_FALSE(msg.calendars.empty()) << path;
            EXPECT_FALSE(msg.from_address.empty()) << path;
            for (const auto& cal : msg.calendars) {
                EXPECT_TRUE(is_valid_utf8(cal.text)) << path;
                const auto parsed = ical::parse_calendar(cal.text);
                EXPECT_TRUE(parsed.error.empty()) << path << ": " << parsed.error;
                EXPECT_FALSE(parsed.calendar.events.empty()) << path;
            }
            // Google, Thunderbird and BlueMind send the calendar twice; identical copies
            // are kept once. (A few anonymised corpus copies differ, so at most two.)
            EXPECT_LE(msg.calendars.size(), 2u) << path;
        }
    }
}

std::string with_crlf(const std::string& raw) {
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) out += '\r';
        out += raw[i];
    }
    return out;
}

// Over SMTP every line ends in CRLF, whatever the file on disk had. Found by the intake
// benchmark: decoded parts of CRLF messages ended lines in CR CR LF.
TEST(MailExtract, SameCalendarsWhetherLinesEndInLfOrCrlf) {
    CIS_REQUIRE_CORPUS();
    for (const char* folder : {"inbound-request", "inbound-cancel", "replies", "odd"}) {
        for (const auto& path : test::files_in(test::corpus_dir() / folder)) {
            if (path.extension() != ".eml") continue;
            const std::string raw = test::read_file(path);
            const auto a = parse_inbound(raw);
            const auto b = parse_inbound(with_crlf(raw));
            // A line-based client fed a file with mixed line ends sends CR CR LF.
            std::string crcrlf = with_crlf(raw);
            for (std::size_t pos = 0; (pos = crcrlf.find("\r\n", pos)) != std::string::npos;
                 pos += 3)
                crcrlf.insert(pos, "\r");
            const auto c = parse_inbound(crcrlf);
            ASSERT_EQ(a.calendars.size(), b.calendars.size()) << path;
            ASSERT_EQ(a.calendars.size(), c.calendars.size()) << path;
            for (std::size_t i = 0; i < a.calendars.size(); ++i) {
                EXPECT_EQ(a.calendars[i].text, b.calendars[i].text) << path;
                EXPECT_EQ(a.calendars[i].text, c.calendars[i].text) << path;
                EXPECT_EQ(a.calendars[i].text.find("\r\n\r\n"), std::string::npos) << path;
            }
        }
    }
}

TEST(MailExtract, MethodParameterIsReadAsWritten) {
    CIS_REQUIRE_CORPUS();
    const auto lotus = parse_inbound(
        test::read_file(test::corpus_dir() / "inbound-request/lotusnotes85-request.eml"));
    ASSERT_FALSE(lotus.calendars.empty());
    EXPECT_EQ(lotus.calendars[0].method_param, "REQUEST");  // quoted on the wire
    const auto apple = parse_inbound(
        test::read_file(test::corpus_dir() / "inbound-request/apple-ical5-mail-request-seq3.eml"));
    ASSERT_FALSE(apple.calendars.empty());
    EXPECT_EQ(apple.calendars[0].method_param, "");  // Apple sends none
}

TEST(MailExtract, TnefIsRecognised) {
    CIS_REQUIRE_CORPUS();
    const auto msg = parse_inbound(
        test::read_file(test::corpus_dir() / "odd/thunderbird-forwarded-winmail-dat-tnef.eml"));
    EXPECT_TRUE(msg.has_tnef);
    EXPECT_TRUE(msg.calendars.empty());
}

TEST(MailExtract, IdenticalInlineAndAttachedCopiesCountOnce) {
    CIS_REQUIRE_CORPUS();
    for (const char* name : {"inbound-request/google-request-2012.eml",
                             "inbound-request/google-meet-request-html.eml"}) {
        const auto msg = parse_inbound(test::read_file(test::corpus_dir() / name));
        EXPECT_EQ(msg.calendars.size(), 1u) << name;
    }
}

TEST(MailExtract, ForwardedMessageCalendarIsFound) {
    const std::string raw =
        "From: Org <org@example.com>\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\nContent-Type: "
        "text/plain\r\n\r\nsee below\r\n"
        "--b1\r\nContent-Type: message/rfc822\r\n\r\nFrom: x@y.z\r\nSubject: inner\r\n"
        "Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\n"
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:fwd-1\r\n"
        "DTSTART:20300101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n--b1--\r\n";
    const auto msg = parse_inbound(raw);
    EXPECT_EQ(msg.from_address, "org@example.com");
    ASSERT_EQ(msg.calendars.size(), 1u);
    EXPECT_TRUE(msg.calendars[0].forwarded);
    EXPECT_EQ(msg.calendars[0].method_param, "REQUEST");
}

TEST(MailExtract, DeclaredCharsetsAreConvertedAndUtf16Recognised) {
    EXPECT_EQ(to_utf8("caf\xe9", "iso-8859-1"), "caf\xc3\xa9");
    EXPECT_EQ(to_utf8("caf\xc3\xa9", "us-ascii"), "caf\xc3\xa9")
        << "UTF-8 mislabelled US-ASCII is kept";
    EXPECT_EQ(to_utf8(std::string("\xff\xfe"
                                  "B\0E\0G\0",
                                  8),
                      ""),
              "BEG");
    EXPECT_EQ(to_utf8("\xe9t\xe9", ""), "\xc3\xa9t\xc3\xa9") << "undeclared 8-bit → windows-1252";
    EXPECT_EQ(sanitize_utf8("a\xc3("), "a\xef\xbf\xbd(");
    EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x8e\x89"));
    EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));  // a surrogate
}

// Lists mailed to bulk@: CSV attachments of the types spreadsheets use, decoded; the
// text/plain body is the message's text, and an .ics stays a calendar.
TEST(MailExtract, CsvAttachmentsAreFoundForBulk) {
    const std::string raw =
        "From: coach@club.example\r\nTo: bulk@cis.test\r\nSubject: list\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/plain\r\n\r\nThe list is attached.\r\n"
        "--b\r\nContent-Type: application/vnd.ms-excel\r\nContent-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; filename=\"team.csv\"\r\n\r\n"
        "ZW1haWwsbmFtZQ0KYUBleGFtcGxlLm9yZyxBDQo=\r\n"
        "--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        "Content-Disposition: attachment; filename=\"more.txt\"\r\n\r\nemail\r\nj\xF6rg@example.org\r\n"
        "--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"x.ics\"\r\n\r\n"
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        "--b--\r\n";
    const auto msg = parse_inbound(raw);
    ASSERT_EQ(msg.tables.size(), 2u);
    EXPECT_EQ(msg.tables[0].filename, "team.csv");
    EXPECT_EQ(msg.tables[0].text, "email,name\r\na@example.org,A\r\n");
    EXPECT_EQ(msg.tables[1].filename, "more.txt");
    EXPECT_NE(msg.tables[1].text.find("j\xC3\xB6rg@example.org"), std::string::npos);
    EXPECT_EQ(msg.calendars.size(), 1u);
}

TEST(MailExtract, GarbageNeverThrows) {
    for (const std::string& raw :
         {std::string(), std::string("\0\0\0", 3), std::string(5000, '\n'),
          std::string("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n--x\r\n")})
        EXPECT_NO_THROW(parse_inbound(raw));
}

}  // namespace
}  // namespace cis::mail
