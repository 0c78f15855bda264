// MIME encoders of the hot path: base64 lines, quoted-printable, RFC 2047 headers.
#include <gtest/gtest.h>

#include <string>

#include "imip/mime_text.hpp"
#include "mail/inbound_message.hpp"

using namespace cis::imip;

namespace {
std::string b64(std::string_view s) {
    std::string out;
    append_base64_lines(out, s);
    return out;
}
}  // namespace

TEST(Base64, Rfc4648Vectors) {
    EXPECT_EQ(b64(""), "");
    EXPECT_EQ(b64("f"), "Zg==\r\n");
    EXPECT_EQ(b64("fo"), "Zm8=\r\n");
    EXPECT_EQ(b64("foo"), "Zm9v\r\n");
    EXPECT_EQ(b64("foob"), "Zm9vYg==\r\n");
    EXPECT_EQ(b64("fooba"), "Zm9vYmE=\r\n");
    EXPECT_EQ(b64("foobar"), "Zm9vYmFy\r\n");
    EXPECT_EQ(b64(std::string("\xff\xfe\x00", 3)), "//4A\r\n");
}

TEST(Base64, SeventySixCharacterLines) {
    const std::string data(57 * 2 + 1, 'a');
    const std::string out = b64(data);
    EXPECT_EQ(out.size(), base64_lines_size(data.size()));
    EXPECT_EQ(out.find("\r\n"), 76u);
    EXPECT_EQ(out.find("\r\n", 78), 78u + 76u);
    EXPECT_TRUE(out.ends_with("YQ==\r\n"));
}

TEST(QuotedPrintable, EncodesNonAsciiEqualsAndTrailingSpace) {
    EXPECT_EQ(quoted_printable("Größe = 3 \nok"), "Gr=C3=B6=C3=9Fe =3D 3=20\r\nok\r\n");
    EXPECT_EQ(quoted_printable("a\r\nb\rc"), "a\r\nb\r\nc\r\n");
}

TEST(QuotedPrintable, SoftBreaksKeepLinesWithin76AndNeverSplitAnEscape) {
    std::string text;
    for (int i = 0; i < 50; ++i) text += "äb";
    const std::string out = quoted_printable(text);
    std::size_t pos = 0;
    while (pos < out.size()) {
        const auto end = out.find("\r\n", pos);
        const std::string line = out.substr(pos, end - pos);
        EXPECT_LE(line.size(), 76u);
        // A soft break ends in '='; an escape is never cut before its two hex digits.
        const auto eq = line.rfind('=');
        if (eq != std::string::npos) {
            EXPECT_TRUE(eq == line.size() - 1 || eq + 2 < line.size());
        }
        pos = end + 2;
    }
}

TEST(QuotedPrintable, ProtectsLeadingDotAndFrom) {
    EXPECT_EQ(quoted_printable(".\nFrom here\nFriday"), "=2E\r\n=46rom here\r\nFriday\r\n");
}

TEST(Mailbox, AtomsQuotedStringsAndEncodedWords) {
    std::string out;
    append_mailbox(out, "Alice Wonderland", "alice@example.com", 4);
    EXPECT_EQ(out, "Alice Wonderland <alice@example.com>");
    out.clear();
    append_mailbox(out, "Doe, \"J\"", "j@example.com", 4);
    EXPECT_EQ(out, "\"Doe, \\\"J\\\"\" <j@example.com>");
    out.clear();
    append_mailbox(out, "Jürgen", "j@example.com", 6);
    EXPECT_EQ(out, "=?UTF-8?B?SsO8cmdlbg==?= <j@example.com>");
    out.clear();
    append_mailbox(out, "", "j@example.com", 4);
    EXPECT_EQ(out, "j@example.com");
}

TEST(Mailbox, NoHeaderInjection) {
    std::string out;
    append_mailbox(out, "Eve\r\nBcc: victim@example.com", "eve@example.com\r\nX: y", 4);
    EXPECT_EQ(out.find('\n'), std::string::npos);
    EXPECT_EQ(out.find('\r'), std::string::npos);
}

TEST(Mailbox, LongNonAsciiNamesFoldBetweenWholeCharacters) {
    std::string name;
    for (int i = 0; i < 40; ++i) name += "東";
    std::string out = "To: ";
    append_mailbox(out, name, "t@example.com", 4);
    std::size_t pos = 0;
    while (true) {
        const auto end = out.find("\r\n", pos);
        const std::string line = out.substr(pos, end == std::string::npos ? end : end - pos);
        EXPECT_LE(line.size(), 78u) << line;
        if (end == std::string::npos) break;
        pos = end + 2;
        EXPECT_EQ(out[pos], ' ');
    }
    // Each encoded word holds whole characters: 3-byte characters in multiples of 3.
    for (std::size_t at = out.find("=?UTF-8?B?"); at != std::string::npos;
         at = out.find("=?UTF-8?B?", at + 1)) {
        const auto end = out.find("?=", at + 10);
        const std::size_t chars = end - at - 10;
        EXPECT_EQ(chars % 4, 0u);
        EXPECT_EQ((chars / 4 * 3) % 3, 0u);
    }
}

TEST(Unstructured, AsciiFoldsAtSpacesOthersAreEncoded) {
    std::string out;
    append_unstructured(out, "Invitation: Team sync", 9);
    EXPECT_EQ(out, "Invitation: Team sync");
    out.clear();
    append_unstructured(out, std::string(40, 'a') + " " + std::string(40, 'b'), 9);
    EXPECT_EQ(out, std::string(40, 'a') + "\r\n " + std::string(40, 'b'));
    out.clear();
    append_unstructured(out, "=?x?= is not a word", 9);
    EXPECT_TRUE(out.starts_with("=?UTF-8?B?"));
}

// Found by the reply builder's tests: GMime joins adjacent encoded words before decoding,
// so a '=' pad inside the joined text cut the subject short ("Öl & " then nothing).
TEST(Unstructured, WordsBeforeTheLastNeedNoPaddingAndGmimeReadsThemWhole) {
    for (const std::string& subject :
         {std::string("Maybe: Größenplanung: Äpfel, Öl & Übermut; ein sehr langer Titel"),
          std::string("Accepted: Größenplanung: Äpfel, Öl & Übermut; ein sehr langer Titel"),
          std::string("Tentative: ") + std::string(30, 'x') + "東京 Ä ö 🎉 " +
              std::string(50, 'y')}) {
        std::string out = "Subject: ";
        append_unstructured(out, subject, 9);
        for (std::size_t at = out.find("=?UTF-8?B?"); at != std::string::npos;
             at = out.find("=?UTF-8?B?", at + 1)) {
            const auto end = out.find("?=", at + 10);
            const bool last = out.find("=?UTF-8?B?", end) == std::string::npos;
            if (!last) {
                EXPECT_NE(out[end - 1], '=') << out;
            }
        }
        const auto msg =
            cis::mail::parse_inbound("From: a@example.org\r\n" + out + "\r\n\r\nbody\r\n");
        EXPECT_EQ(msg.subject, subject);
    }
}

TEST(Date, Rfc5322InUtc) {
    EXPECT_EQ(rfc5322_date(1714550400), "Wed, 01 May 2024 08:00:00 +0000");
    EXPECT_EQ(rfc5322_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
}

TEST(Html, EscapesEverySpecial) {
    EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"),
              "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}
