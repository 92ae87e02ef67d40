/*
 * records.c - citation records as JSON Lines or TSV.
 *
 * One record per mention, in document order, with the same columns in both
 * formats.  Text from documents is escaped so that no surface can break a
 * line, a field or the JSON.  This file only formats; it finds nothing.
 */
#include "internal.h"

#include <string.h>

static const char *const columns[] = {"doc",    "id",     "type",    "body", "date",
                                      "file",   "line",   "col",     "offset", "length",
                                      "surface", "form",  "list",    "para", "verb"};
#define NCOLUMNS (sizeof columns / sizeof *columns)

static const char *type_name(rg_type t)
{
    return t == RG_DECISION ? "decision" : t == RG_DOCUMENT ? "document" : "resolution";
}

static const char *form_name(rg_form f)
{
    return f == RG_FORM_SYMBOL ? "symbol" : f == RG_FORM_LINK ? "link" : "text";
}

/* JSON string with quotes; control characters as \uXXXX; invalid UTF-8 as U+FFFD. */
static void json_str(rg_buf *b, const char *s)
{
    if (!s) {
        rg_buf_puts(b, "null");
        return;
    }
    rg_buf_add(b, "\"", 1);
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    size_t run = 0; /* bytes copied as they are */
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        const char *esc = NULL;
        char ubuf[8];
        size_t adv = 1;
        if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c == '\n')
            esc = "\\n";
        else if (c == '\r')
            esc = "\\r";
        else if (c == '\t')
            esc = "\\t";
        else if (c < 0x20 || c == 0x7F) {
            snprintf(ubuf, sizeof ubuf, "\\u%04x", c);
            esc = ubuf;
        } else if (c >= 0x80) {
            adv = rg_utf8_seqlen(p + i, n - i);
            if (adv == 0) {
                esc = "\\ufffd";
                adv = 1;
            } else if (adv == 3 && rg_utf8_decode(p + i, 3) >= 0x2028 &&
                       rg_utf8_decode(p + i, 3) <= 0x2029) {
                snprintf(ubuf, sizeof ubuf, "\\u%04x", (unsigned)rg_utf8_decode(p + i, 3));
                esc = ubuf; /* line separators break JavaScript readers */
            }
        }
        if (esc) {
            rg_buf_add(b, s + i - run, run);
            run = 0;
            rg_buf_puts(b, esc);
        } else {
            run += adv;
        }
        i += adv;
    }
    rg_buf_add(b, s + n - run, run);
    rg_buf_add(b, "\"", 1);
}

/* TSV field: tab, newline, carriage return and backslash escaped. */
static void tsv_str(rg_buf *b, const char *s)
{
    if (!s)
        return;
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '\t': rg_buf_puts(b, "\\t"); break;
        case '\n': rg_buf_puts(b, "\\n"); break;
        case '\r': rg_buf_puts(b, "\\r"); break;
        case '\\': rg_buf_puts(b, "\\\\"); break;
        default: rg_buf_add(b, p, 1);
        }
    }
}

rg_status rg_records_begin(FILE *out, rg_record_format fmt, rg_error *err)
{
    if (fmt != RG_RECORDS_TSV)
        return RG_OK;
    for (size_t i = 0; i < NCOLUMNS; i++) {
        fputs(columns[i], out);
        fputc(i + 1 < NCOLUMNS ? '\t' : '\n', out);
    }
    if (ferror(out))
        return rg_fail(err, RG_EOUTPUT, "cannot write records");
    return RG_OK;
}

rg_status rg_records_write(FILE *out, rg_record_format fmt, const rg_doc *doc, rg_error *err)
{
    rg_buf b = {0};
    for (size_t i = 0; i < rg_doc_mention_count(doc); i++) {
        const rg_mention *m = rg_doc_mention(doc, i);
        if (fmt == RG_RECORDS_JSONL) {
            rg_buf_puts(&b, "{\"doc\":");
            json_str(&b, rg_doc_id(doc));
            rg_buf_puts(&b, ",\"id\":");
            json_str(&b, m->id);
            rg_buf_printf(&b, ",\"type\":\"%s\",\"body\":", type_name(m->type));
            json_str(&b, m->body);
            rg_buf_puts(&b, ",\"date\":");
            json_str(&b, m->date);
            rg_buf_puts(&b, ",\"file\":");
            json_str(&b, rg_doc_file(doc));
            rg_buf_printf(&b, ",\"line\":%zu,\"col\":%zu,\"offset\":%zu,\"length\":%zu,\"surface\":",
                          m->line, m->col, m->offset, m->length);
            json_str(&b, m->surface);
            rg_buf_printf(&b, ",\"form\":\"%s\",\"list\":%zu,\"para\":", form_name(m->form), m->list);
            json_str(&b, m->para);
            rg_buf_puts(&b, ",\"verb\":");
            json_str(&b, m->verb);
            rg_buf_puts(&b, "}\n");
        } else {
            tsv_str(&b, rg_doc_id(doc));
            rg_buf_add(&b, "\t", 1);
            tsv_str(&b, m->id);
            rg_buf_printf(&b, "\t%s\t", type_name(m->type));
            tsv_str(&b, m->body);
            rg_buf_add(&b, "\t", 1);
            tsv_str(&b, m->date);
            rg_buf_add(&b, "\t", 1);
            tsv_str(&b, rg_doc_file(doc));
            rg_buf_printf(&b, "\t%zu\t%zu\t%zu\t%zu\t", m->line, m->col, m->offset, m->length);
            tsv_str(&b, m->surface);
            rg_buf_printf(&b, "\t%s\t%zu\t", form_name(m->form), m->list);
            tsv_str(&b, m->para);
            rg_buf_add(&b, "\t", 1);
            tsv_str(&b, m->verb);
            rg_buf_add(&b, "\n", 1);
        }
        if (b.len > 60000 || i + 1 == rg_doc_mention_count(doc)) {
            if (b.failed) {
                rg_buf_free(&b);
                return rg_fail(err, RG_ENOMEM, "out of memory writing records");
            }
            if (b.len && fwrite(b.data, 1, b.len, out) != b.len) {
                rg_buf_free(&b);
                return rg_fail(err, RG_EOUTPUT, "cannot write records");
            }
            b.len = 0;
        }
    }
    rg_buf_free(&b);
    return RG_OK;
}
