#include "report.h"

#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace hookme {

namespace {

// Writes JSON by hand so that keys keep the documented order (QJsonObject sorts them).
class JsonWriter
{
public:
    explicit JsonWriter(QByteArray *out) : m_out(out) { }

    void string(const QString &text)
    {
        m_out->append('"');
        const QByteArray utf8 = text.toUtf8();
        for (const char c : utf8) {
            switch (c) {
            case '"':
                m_out->append("\\\"");
                break;
            case '\\':
                m_out->append("\\\\");
                break;
            case '\n':
                m_out->append("\\n");
                break;
            case '\r':
                m_out->append("\\r");
                break;
            case '\t':
                m_out->append("\\t");
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    m_out->append("\\u00");
                    m_out->append(QByteArray::number(static_cast<unsigned char>(c), 16)
                                          .rightJustified(2, '0'));
                } else {
                    m_out->append(c);  // UTF-8 bytes pass through unchanged
                }
            }
        }
        m_out->append('"');
    }

    void optionalString(const std::optional<QString> &text)
    {
        if (text)
            string(*text);
        else
            m_out->append("null");
    }

    void key(const char *name) { m_out->append('"').append(name).append("\":"); }
    void raw(const char *text) { m_out->append(text); }
    void number(qint64 value) { m_out->append(QByteArray::number(value)); }

private:
    QByteArray *m_out;
};

} // namespace

QByteArray Report::toJson() const
{
    QByteArray out;
    JsonWriter json(&out);

    json.raw("{");
    json.key("user");
    json.string(user);
    json.raw(",");
    json.key("repository");
    json.string(repository);

    json.raw(",");
    json.key("issues");
    json.raw("[");
    for (qsizetype i = 0; i < issues.size(); ++i) {
        const ReportIssue &issue = issues.at(i);
        json.raw(i == 0 ? "{" : ",{");
        json.key("title");
        json.string(issue.title);
        json.raw(",");
        json.key("author");
        json.optionalString(issue.author);
        json.raw(",");
        json.key("labels");
        json.raw("[");
        for (qsizetype j = 0; j < issue.labels.size(); ++j) {
            if (j > 0)
                json.raw(",");
            json.string(issue.labels.at(j));
        }
        json.raw("]}");
    }
    json.raw("]");

    json.raw(",");
    json.key("contributors");
    json.raw("[");
    for (qsizetype i = 0; i < contributors.size(); ++i) {
        const ReportContributor &contributor = contributors.at(i);
        json.raw(i == 0 ? "{" : ",{");
        json.key("name");
        json.optionalString(contributor.name);
        json.raw(",");
        json.key("user");
        json.string(contributor.login);
        json.raw(",");
        json.key("qtd_commits");
        json.number(contributor.commits);
        json.raw("}");
    }
    json.raw("]}");
    return out;
}

void appendIssues(const QJsonArray &page, QList<ReportIssue> *issues)
{
    for (const QJsonValue &value : page) {
        const QJsonObject item = value.toObject();
        if (item.contains("pull_request"_L1))
            continue;

        ReportIssue issue;
        issue.title = item.value("title"_L1).toString();
        const QJsonValue user = item.value("user"_L1);
        if (user.isObject() && user["login"_L1].isString())
            issue.author = user["login"_L1].toString();

        // GitHub documents a label as an object with a name, or as a plain string.
        for (const QJsonValue &label : item.value("labels"_L1).toArray()) {
            if (label.isString())
                issue.labels.append(label.toString());
            else if (label.isObject())
                issue.labels.append(label["name"_L1].toString());
        }
        issues->append(issue);
    }
}

void appendContributors(const QJsonArray &page, QList<ReportContributor> *contributors)
{
    for (const QJsonValue &value : page) {
        const QJsonObject item = value.toObject();
        const QString login = item.value("login"_L1).toString();
        if (login.isEmpty())
            continue;

        ReportContributor contributor;
        contributor.login = login;
        contributor.commits = item.value("contributions"_L1).toInteger();
        contributors->append(contributor);
    }
}

} // namespace hookme
