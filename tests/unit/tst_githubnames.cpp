// Specification of which account logins and repository names are accepted
// (service/githubnames.h). Both end up in URL paths, so anything that could change the path or
// the query must be refused.
#include "githubnames.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestGitHubNames : public QObject
{
    Q_OBJECT

private slots:
    void login_data();
    void login();
    void repositoryName_data();
    void repositoryName();
};

void TestGitHubNames::login_data()
{
    QTest::addColumn<QString>("login");
    QTest::addColumn<bool>("valid");

    QTest::newRow("organisation with a hyphen") << u"octo-org"_s << true;
    QTest::newRow("single letter") << u"a"_s << true;
    QTest::newRow("single digit") << u"7"_s << true;
    QTest::newRow("digits only") << u"12345"_s << true;
    QTest::newRow("mixed case and digits") << u"Octocat2024"_s << true;
    QTest::newRow("several single hyphens") << u"a-b-c-1"_s << true;
    QTest::newRow("39 characters") << QString(39, u'x') << true;
    QTest::newRow("39 characters with hyphens") << (u"a-"_s.repeated(19) + u"b"_s) << true;

    QTest::newRow("empty") << QString() << false;
    QTest::newRow("40 characters") << QString(40, u'x') << false;
    QTest::newRow("leading hyphen") << u"-octocat"_s << false;
    QTest::newRow("trailing hyphen") << u"octocat-"_s << false;
    QTest::newRow("hyphen alone") << u"-"_s << false;
    QTest::newRow("double hyphen") << u"octo--cat"_s << false;
    QTest::newRow("path traversal") << u"../x"_s << false;
    QTest::newRow("dot dot") << u".."_s << false;
    QTest::newRow("encoded slash") << u"%2F"_s << false;
    QTest::newRow("encoded slash in a name") << u"a%2Fb"_s << false;
    QTest::newRow("question mark") << u"a?b"_s << false;
    QTest::newRow("hash") << u"a#b"_s << false;
    QTest::newRow("slash") << u"a/b"_s << false;
    QTest::newRow("backslash") << u"a\\b"_s << false;
    QTest::newRow("dot") << u"a.b"_s << false;
    QTest::newRow("underscore") << u"a_b"_s << false;
    QTest::newRow("accented letter") << u"caf\u00e9"_s << false;
    QTest::newRow("Cyrillic a") << u"\u0430bc"_s << false;
    QTest::newRow("fullwidth digit") << u"a\uff11"_s << false;
    QTest::newRow("inner space") << u"octo cat"_s << false;
    QTest::newRow("leading space") << u" octocat"_s << false;
    QTest::newRow("trailing space") << u"octocat "_s << false;
    QTest::newRow("tab") << u"octo\tcat"_s << false;
    QTest::newRow("newline") << u"octocat\n"_s << false;
    QTest::newRow("NUL") << QStringView(u"octo\0cat", 8).toString() << false;
}

void TestGitHubNames::login()
{
    QFETCH(QString, login);
    QFETCH(bool, valid);
    QCOMPARE(hookme::isValidGitHubLogin(login), valid);
}

void TestGitHubNames::repositoryName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");

    QTest::newRow("hyphenated") << u"hello-world"_s << true;
    QTest::newRow("leading dot") << u".github"_s << true;
    QTest::newRow("underscore and dot") << u"a_b.c"_s << true;
    QTest::newRow("single letter") << u"a"_s << true;
    QTest::newRow("digits") << u"2024"_s << true;
    QTest::newRow("three dots") << u"..."_s << true;
    QTest::newRow("leading hyphen") << u"-x"_s << true;
    QTest::newRow("double hyphen") << u"a--b"_s << true;
    QTest::newRow("100 characters") << QString(100, u'r') << true;

    QTest::newRow("empty") << QString() << false;
    QTest::newRow("101 characters") << QString(101, u'r') << false;
    QTest::newRow("dot") << u"."_s << false;
    QTest::newRow("dot dot") << u".."_s << false;
    QTest::newRow("slash") << u"a/b"_s << false;
    QTest::newRow("path traversal") << u"../x"_s << false;
    QTest::newRow("encoded slash") << u"a%2Fb"_s << false;
    QTest::newRow("encoded traversal") << u"..%2F"_s << false;
    QTest::newRow("question mark") << u"a?b"_s << false;
    QTest::newRow("hash") << u"a#b"_s << false;
    QTest::newRow("backslash") << u"a\\b"_s << false;
    QTest::newRow("space") << u"hello world"_s << false;
    QTest::newRow("accented letter") << u"caf\u00e9"_s << false;
    QTest::newRow("emoji") << u"rocket\U0001F680"_s << false;
    QTest::newRow("NUL") << QStringView(u"a\0b", 3).toString() << false;
}

void TestGitHubNames::repositoryName()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(hookme::isValidRepositoryName(name), valid);
}

QTEST_GUILESS_MAIN(TestGitHubNames)
#include "tst_githubnames.moc"
