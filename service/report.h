// The report delivered to the webhook, and how it is read from GitHub's JSON and written out.
//
// The delivered document is, with keys in this order:
//   {"user": "...", "repository": "...",
//    "issues": [{"title": "...", "author": "<login or null>", "labels": ["..."]}],
//    "contributors": [{"name": "<display name or null>", "user": "<login>", "qtd_commits": 0}]}
// and, only when part of it was unavailable, after those:
//    "warnings": [{"part": "contributors", "reason": "..."}]
#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace hookme {

struct ReportIssue {
    QString title;
    std::optional<QString> author;  // none when GitHub shows no user (a deleted account)
    QStringList labels;
};

struct ReportContributor {
    std::optional<QString> name;   // the display name; none when the user has not set one
    std::optional<QString> login;  // none for an anonymous contributor (CONTRIBUTORS_ANON)
    qint64 commits = 0;
};

// A part of the report that GitHub would not give, so that a receiver can tell "none" from
// "unavailable".
struct ReportWarning {
    QString part;  // "issues" or "contributors"
    QString reason;
};

struct Report {
    QString user;        // the owner as the client gave it
    QString repository;  // the repository as the client gave it
    QList<ReportIssue> issues;
    QList<ReportContributor> contributors;
    QList<ReportWarning> warnings;

    QByteArray toJson() const;
};

// A page of GitHub's listing is reduced to what the report needs as soon as it arrives; the
// reduced form (compact JSON) is also what is kept for conditional requests.

// From a page of GET /repos/{owner}/{repo}/issues: the title, author and label names of each
// issue. Pull requests, which GitHub lists among issues with a "pull_request" key, are left
// out. Nothing when the page is not a JSON array.
std::optional<QByteArray> reduceIssuesPage(const QByteArray &page);

// From a page of GET /repos/{owner}/{repo}/contributors: each contributor's login and number
// of contributions. Anonymous entries (no login) are kept only with `includeAnonymous`.
std::optional<QByteArray> reduceContributorsPage(const QByteArray &page, bool includeAnonymous);

// Appends the entries of a reduced page. Names of contributors are filled in later.
void appendIssues(const QByteArray &reducedPage, QList<ReportIssue> *issues);
void appendContributors(const QByteArray &reducedPage, QList<ReportContributor> *contributors);

} // namespace hookme
