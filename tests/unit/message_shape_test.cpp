// The shape check the HTTP intake runs before storing: a message starts with a header
// field; JSON and bodies whose line breaks were stripped are explained.
#include <gtest/gtest.h>

#include <string>

#include "mail/message_shape.hpp"

namespace cis::mail {
namespace {

TEST(MessageShape, MessagesPass) {
    EXPECT_EQ(why_not_a_message("From: a@example.org\r\n\r\nbody\r\n"), "");
    EXPECT_EQ(why_not_a_message("Return-Path: <a@example.org>\nReceived: from x\n\nbody"), "");
    EXPECT_EQ(why_not_a_message("X-SES-Spam-Verdict: PASS\r\n"), "");
    EXPECT_EQ(why_not_a_message("Subject : obsolete space before the colon\r\n\r\n"), "");
    EXPECT_EQ(why_not_a_message("From: a@b.c"), "") << "a one-line message of legal length";
    // Long messages with line breaks, whatever their size.
    EXPECT_EQ(why_not_a_message("From: a@b.c\n\n" + std::string(5000, 'x') + "\n"), "");
}

TEST(MessageShape, EmptyIsNamed) {
    EXPECT_EQ(why_not_a_message(""), "the message is empty");
}

TEST(MessageShape, JsonPointsAtTheMessageItCarries) {
    for (const char* body : {"{\"Type\":\"Notification\"}", "  \r\n[1,2]", "{"}) {
        const auto why = why_not_a_message(body);
        EXPECT_NE(why.find("JSON"), std::string::npos) << body;
        EXPECT_NE(why.find("SNS"), std::string::npos) << body;
    }
}

TEST(MessageShape, NoHeaderFieldFirst) {
    for (const char* body :
         {"\r\nFrom: a@b.c\r\n", " From: a@b.c\r\n", "hello world\r\n", ": no name\r\n",
          "<html><body>x</body></html>", "From a@b.c Mon\n", "From", "Fr\xc3\xb6m: a@b.c\r\n"}) {
        const auto why = why_not_a_message(body);
        EXPECT_NE(why.find("does not start with a header field"), std::string::npos) << body;
    }
}

TEST(MessageShape, StrippedLineBreaksAreRecognised) {
    const std::string flat = "Return-Path: <a@b.c>Received: from x" + std::string(1200, 'y');
    const auto why = why_not_a_message(flat);
    EXPECT_NE(why.find("line breaks were lost"), std::string::npos) << why;
    EXPECT_NE(why.find("--data-binary"), std::string::npos) << why;
    EXPECT_EQ(why_not_a_message("From: " + std::string(992, 'x')), "") << "998 is still legal";
    EXPECT_NE(why_not_a_message("From: " + std::string(993, 'x')), "");
}

}  // namespace
}  // namespace cis::mail
