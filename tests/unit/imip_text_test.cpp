// RFC 5545 text helpers: folding at 75 octets without splitting UTF-8, TEXT escaping,
// parameter quoting.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "imip/ical_text.hpp"

using namespace cis::imip;

namespace {

std::vector<std::string> physical_lines(const std::string& folded) {
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < folded.size()) {
        const auto end = folded.find("\r\n", pos);
        EXPECT_NE(end, std::string::npos) << "every line ends in CRLF";
        if (end == std::string::npos) break;
        lines.push_back(folded.substr(pos, end - pos));
        pos = end + 2;
    }
    return lines;
}

std::string unfold(const std::string& folded) {
    std::string out;
    const auto lines = physical_lines(folded);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i > 0) {
            EXPECT_EQ(lines[i][0], ' ');
            out += lines[i].substr(1);
        } else {
            out += lines[i];
        }
    }
    return out;
}

// Every physical line within 75 octets, valid UTF-8 on its own, and unfolding restores
// the input.
void expect_well_folded(const std::string& line) {
    const std::string folded = fold_line(line);
    for (const auto& l : physical_lines(folded)) {
        EXPECT_LE(l.size(), 75u) << l;
        EXPECT_EQ(valid_utf8(l), l) << "a UTF-8 sequence was split: " << l;
    }
    EXPECT_EQ(unfold(folded), line);
}

}  // namespace

TEST(Fold, ShortLinesStayWhole) {
    EXPECT_EQ(fold_line("SUMMARY:Hi"), "SUMMARY:Hi\r\n");
    EXPECT_EQ(fold_line(""), "\r\n");
}

TEST(Fold, Exactly75OctetsIsOneLine) {
    const std::string line(75, 'x');
    EXPECT_EQ(fold_line(line), line + "\r\n");
}

TEST(Fold, Seventy6OctetsFoldOnce) {
    const std::string line(76, 'x');
    EXPECT_EQ(fold_line(line), std::string(75, 'x') + "\r\n x\r\n");
}

TEST(Fold, ContinuationLinesCarry74OctetsAfterTheSpace) {
    const std::string line(75 + 74 + 1, 'y');
    const auto lines = physical_lines(fold_line(line));
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0].size(), 75u);
    EXPECT_EQ(lines[1].size(), 75u);
    EXPECT_EQ(lines[2], " y");
}

TEST(Fold, NeverSplitsTwoThreeOrFourByteCharacters) {
    // Each multi-byte character placed across the 75-octet boundary at every offset.
    for (const std::string ch : {"ä", "€", "東", "🎉"}) {
        for (std::size_t prefix = 70; prefix <= 76; ++prefix) {
            std::string line(prefix, 'a');
            for (int i = 0; i < 60; ++i) line += ch;
            expect_well_folded(line);
        }
    }
}

TEST(Fold, CharacterEndingExactlyAtTheLimitStaysOnTheLine) {
    const std::string line = std::string(73, 'a') + "ä" + "b";  // 'ä' is octets 74-75
    const auto lines = physical_lines(fold_line(line));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], std::string(73, 'a') + "ä");
    EXPECT_EQ(lines[1], " b");
}

TEST(Fold, CharacterCrossingTheLimitMovesWhole) {
    const std::string line = std::string(74, 'a') + "ä";  // 'ä' would be octets 75-76
    const auto lines = physical_lines(fold_line(line));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], std::string(74, 'a'));
    EXPECT_EQ(lines[1], " ä");
}

TEST(Fold, InvalidUtf8StillFoldsWithinTheLimit) {
    const std::string line = std::string(70, 'a') + std::string(20, '\x80');
    for (const auto& l : physical_lines(fold_line(line))) EXPECT_LE(l.size(), 75u);
    EXPECT_EQ(unfold(fold_line(line)), line);
}

TEST(Fold, PseudoRandomMixedTextRoundTrips) {
    const std::vector<std::string> pieces = {"a", "ß", "€", "𝄞", " ", ",", "東京", "🎉🚀"};
    unsigned seed = 12345;
    for (int round = 0; round < 300; ++round) {
        std::string line = "DESCRIPTION:";
        const int n = 1 + round % 97;
        for (int i = 0; i < n; ++i) {
            seed = seed * 1103515245 + 12345;
            line += pieces[(seed >> 16) % pieces.size()];
        }
        expect_well_folded(line);
    }
}

TEST(EscapeText, EscapesBackslashSemicolonCommaAndLineBreaks) {
    EXPECT_EQ(escape_text("a\\b;c,d\ne\r\nf\rg"), "a\\\\b\\;c\\,d\\ne\\nf\\ng");
    EXPECT_EQ(escape_text("Time: 10:00"), "Time: 10:00");  // ':' needs no escape in TEXT
    EXPECT_EQ(escape_text("\\n"), "\\\\n");                // a literal backslash-n stays literal
}

TEST(EscapeText, DropsControlCharactersButKeepsTab) {
    EXPECT_EQ(escape_text(std::string("a\x01"
                                      "b\tc\x7f",
                                      6)),
              "ab\tc");
}

TEST(EscapeText, RepairsInvalidUtf8) {
    EXPECT_EQ(escape_text("Gr\xF6\xDF"
                          "e"),
              "Gr\xEF\xBF\xBD\xEF\xBF\xBD"
              "e");
    EXPECT_EQ(escape_text("Größe 🎉"), "Größe 🎉");
}

TEST(Utf8, RejectsOverlongSurrogatesAndOutOfRange) {
    EXPECT_EQ(utf8_sequence_length("\xC0\x80", 0), 0u);          // overlong NUL
    EXPECT_EQ(utf8_sequence_length("\xE0\x80\x80", 0), 0u);      // overlong
    EXPECT_EQ(utf8_sequence_length("\xED\xA0\x80", 0), 0u);      // surrogate
    EXPECT_EQ(utf8_sequence_length("\xF4\x90\x80\x80", 0), 0u);  // > U+10FFFF
    EXPECT_EQ(utf8_sequence_length("\xE2\x82", 0), 0u);          // truncated
    EXPECT_EQ(utf8_sequence_length("€", 0), 3u);
    EXPECT_EQ(utf8_sequence_length("🎉", 0), 4u);
}

TEST(QuoteParam, QuotesValuesWithColonSemicolonOrComma) {
    EXPECT_EQ(quote_param("Hans Müller"), "Hans Müller");
    EXPECT_EQ(quote_param("Müller, Hans"), "\"Müller, Hans\"");
    EXPECT_EQ(quote_param("a;b"), "\"a;b\"");
    EXPECT_EQ(quote_param("(UTC+01:00) Berlin"), "\"(UTC+01:00) Berlin\"");
}

TEST(QuoteParam, DoubleQuotesAndLineBreaksCannotSurvive) {
    EXPECT_EQ(quote_param("say \"hi\""), "say 'hi'");
    EXPECT_EQ(quote_param("a\r\nb"), "a  b");
    EXPECT_EQ(quote_param("x\r\nATTENDEE:mailto:evil@example.com"),
              "\"x  ATTENDEE:mailto:evil@example.com\"");
}
