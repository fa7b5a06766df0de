"""Every message tcmcheck says about its input, in English and Chinese: the one catalogue.

A problem (tcmcheck.errors.Problem) names its code and a variant of it; PROBLEMS holds the two
templates of each. Parts of a message that are themselves words (why a value can't be read, a kind
of file, a column's name) are Phrases, from PHRASES. Templates name their parameters, and the
English and the Chinese template of one entry name the same ones (tests/test_messages.py checks it).
A message is rendered only when it is shown, in the language of the run. DETAILS holds the sentences
that explain a status ("behind trajectory: …"), rendered by tcmcheck.describe."""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass

LANGS = ("en", "zh")

DETAILS: dict[str, tuple[str, str]] = {
    "no_report": ("no report on or before {as_of}", "{as_of}前无报送数据"),
    "no_baseline": ("no value for the baseline period {period}", "缺少基期{period}数据"),
    "met_at_deadline": ("met at the {due} deadline", "{due}到期已达标"),
    "met_late": ("met, but first reported {period}, after the {due} deadline (nothing reported by then)",
                 "逾期完成：{due}到期前无报送，{period}首次报送已达标"),
    "missed_late": ("missed: nothing reported by the {due} deadline, and the first report ({period}) does not meet it",
                    "未达标：{due}到期前无报送，{period}首次报送仍未达标"),
    "within_tolerance": ("{met}, only within the tolerance of the approximate target {target}",
                         "{met}（仅在约数目标{target}的容差内）"),
    "zero_baseline": ("{met}; the baseline for {period} is 0, so any value meets a multiple of it",
                      "{met}（{period}基期值为0，任何数值均满足倍数目标）"),
    "missed_at_deadline": ("missed the {due} deadline", "{due}到期未达标"),
    "met_early": ("met ahead of the {due} deadline", "已提前达标（{due}到期）"),
    "interim_missed": ("interim target {milestone} missed", "阶段目标（{milestone}）未完成"),
    "due_later": ("not yet; due {due}", "尚未完成，{due}到期"),
    "trend_not_assessed": ("one report and no baseline: trend not assessed; due {due}",
                           "仅一期数据且无基线，未评估趋势；{due}到期"),
    "behind_trajectory": ("behind trajectory: {expected} expected by then (target due {due})",
                          "低于序时进度：应达{expected}（{due}目标）"),
    "on_trajectory": ("on trajectory: {expected} expected by then (target due {due})",
                      "符合序时进度：应达{expected}（{due}目标）"),
    "no_report_in_window": ("no report between {start} and {end}", "{start}至{end}无报送数据"),
    "maintain_broken": ("not held in {periods}", "{periods}未保持"),
    "maintain_held": ("held in all {count} reports (through {end})", "{count}期报送均保持（至{end}）"),
    "annual_missed": ("missed in {years}", "{years}年未达标"),
    "annual_not_reported": ("no report for {years}", "{years}年未报送"),
    "no_report_for_year": ("no report for {year}", "{year}年未报送"),
    "annual_all_met": ("met in all {count} year(s)", "{count}个年度均达标"),
    "annual_behind": ("{year} so far is below the pro-rata {expected}", "{year}年进度低于序时{expected}"),
    "regions_missing": ("no city figure, and not every region reported: {regions} missing",
                        "无全市数据，且以下区县未报送：{regions}"),
    "worst_region": ("the worst region, {region}: {detail}", "最差区县{region}：{detail}"),
    "city_figure_needed": ("a share or rate needs the city's own figure; regions' figures don't add up to it",
                           "比例、比率类指标须报送全市数据，区县数据不能相加得出"),
    "sum_incomplete": ("{detail}; from the regions' sum (for {period} not every region reported: {regions})",
                       "{detail}（按区县合计；{period}以下区县未报送：{regions}）"),
    "annual_next_year": ("{count} completed year(s) met; {year} not yet reported", "已完成年度{count}个均达标，{year}年尚无报送"),
    "annual_on_track": ("{count} completed year(s) met; current year on pace", "已完成年度{count}个均达标，当年序时推进"),
}
"""The detail of a status (tcmcheck.result.Message), by key: the evaluation's own words, not a problem."""

PROBLEMS: dict[str, dict[str, tuple[str, str]]] = {
    # plans
    "plan-unknown": {
        "unknown": ("no plan {reference}{directory}; built-in plans: {ids}",
                    "没有名为 {reference} 的规划{directory}；内置规划有：{ids}"),
    },
    "plan-not-found": {"missing": ("no such file", "规划文件不存在")},
    "plan-not-file": {"special": ("is {what}, expected a plan YAML file", "是{what}，不是规划 YAML 文件")},
    "plan-unreadable": {"os": ("{reason}", "无法读取规划文件：{reason}")},
    "plan-too-large": {
        "size": ("{size} bytes; plans are refused above {limit} bytes",
                 "文件有 {size} 字节，超过规划文件的上限 {limit} 字节"),
        "read": ("more than {limit} bytes, the most a plan may have", "超过 {limit} 字节，即规划文件的上限"),
        "nodes": ("the document expands to more than {nodes} nodes (aliases that repeat each other?)",
                  "文档展开后超过 {nodes} 个节点（是否有相互重复引用的别名？）"),
    },
    "plan-too-deep": {
        "recursion": ("nested too deeply to be read", "嵌套过深，无法读取"),
        "nested": ("collections are nested more than {depth} levels deep; a plan needs fewer than 10",
                   "集合嵌套超过 {depth} 层；规划文件需要的不到 10 层"),
        "alias": ("alias *{anchor} nests collections more than {depth} levels deep; a plan needs fewer than 10",
                  "别名 *{anchor} 使集合嵌套超过 {depth} 层；规划文件需要的不到 10 层"),
    },
    "plan-encoding": {
        "not-utf8": ("not UTF-8 (byte {byte}); save the plan as UTF-8",
                     "不是 UTF-8 编码（字节位置 {byte}）；请把规划文件另存为 UTF-8"),
    },
    "plan-empty": {"empty": ("the file holds no YAML document", "文件中没有 YAML 文档")},
    "plan-yaml-syntax": {"yaml": ("{reason}", "YAML 语法错误：{reason}")},
    "plan-yaml-tag": {
        "tag": ("tag {tag} is not allowed: plans are plain YAML", "不允许使用标签 {tag}：规划文件只能是普通 YAML"),
    },
    "plan-duplicate-key": {
        "twice": ("key {key} appears twice (first on line {first_line})",
                  "键 {key} 出现了两次（第一次在第 {first_line} 行）"),
    },
    "plan-schema": {
        "unknown-field": ("unknown field {name}", "未知字段 {name}"),
        "key-not-string": ("key {key} is not a string; quote it", "键 {key} 不是字符串；请给它加上引号"),
        "schema": ("{reason}", "{reason}"),
    },
    "plan-duplicate-id": {
        "twice": ("indicator id {id} is used twice (first at /indicators/{index})",
                  "指标编号 {id} 用了两次（第一次在 /indicators/{index}）"),
    },
    "plan-milestone-order": {
        "order": ("milestone due {due} is not after the previous one ({previous}): milestones go in date order",
                  "目标期限 {due} 不晚于前一个目标（{previous}）：各阶段目标须按日期先后排列"),
    },
    "plan-bad-date": {"reason": ("{reason}", "{reason}")},
    "plan-invalid": {
        "period-order": ("period start is after its end", "规划期的起始年份晚于结束年份"),
        "alias-level": ("alias {alias} names {level}, which is not a level of the scale",
                        "别名 {alias} 指向 {level}，但它不是该等级表中的等级"),
        "region-name": ("region name {name} is also used by /regions/divisions/{index}",
                        "区县名称 {name} 已被 /regions/divisions/{index} 使用"),
        "lead": ("lead unit {unit} is not in responsible", "牵头单位 {unit} 不在责任单位（responsible）中"),
        "scale-undefined": ("scale {scale} is not defined under scales (defined: {defined})",
                            "等级表 {scale} 没有在 scales 中定义（已定义：{defined}）"),
        "range": ("range low end {low} exceeds its high end {high}", "区间下限 {low} 大于上限 {high}"),
        "grade-not-on-scale": ("grade {grade} is not on scale {scale} ({levels})",
                               "等级 {grade} 不在等级表 {scale} 中（{levels}）"),
        "years-before-opening": (
            "every year is before {year}, the first full year after the issue date, so none would be assessed; "
            "set years_named: true if the document names these years",
            "所有年份都早于 {year}（印发日期后的第一个完整年度），因此没有一年会被评估；"
            "如果文件明确写了这些年份，请设置 years_named: true"),
        "baseline-grade": ("baseline grade {grade} is not on scale {scale}", "基期等级 {grade} 不在等级表 {scale} 中"),
        "baseline-number": ("baseline value {value} must be a number for kind {kind}",
                            "kind 为 {kind} 时，基期值 {value} 必须是数字"),
        "zero-baseline": ("a multiple of a zero baseline is met by any value; state the target as an increase or "
                          "a threshold",
                          "基期值为 0 时任何数值都满足其倍数；请把目标写成增量（increase）或阈值（threshold）"),
    },
    "plan-not-finite": {
        "not-finite": ("{text} {reason}; numbers in a plan must be finite", "{text} {reason}；规划中的数字必须是有限值"),
    },
    # submissions: the file
    "csv-not-found": {
        "missing": ("no such file", "文件不存在"),
        "dangling-link": ("a symbolic link to {target}, which does not exist", "是指向 {target} 的符号链接，但目标不存在"),
    },
    "csv-not-file": {"directory": ("is a directory, expected a CSV file", "是目录，应为 CSV 文件")},
    "csv-not-regular": {
        "special": ("is {what}, not a regular file; expected a CSV file", "是{what}，不是普通文件；应为 CSV 文件"),
        "search": ("is not a regular file (a FIFO, device or socket); a directory search reads only regular files",
                   "不是普通文件（而是命名管道、设备或套接字）；搜索目录时只读取普通文件"),
    },
    "csv-unreadable": {
        "stdin-closed": ("standard input is closed", "标准输入已关闭"),
        "os": ("{reason}", "无法读取：{reason}"),
        "link-loop": ("a symbolic link to {target} that leads round in a loop", "是指向 {target} 的符号链接，形成了循环"),
    },
    "csv-too-large": {
        "limit": ("larger than {limit} MiB, the most tcmcheck reads of one CSV; split it into several files",
                  "大于 {limit} MiB，超过 tcmcheck 读取单个 CSV 的上限；请拆分成几个文件"),
    },
    "csv-spreadsheet": {
        "zip": ("a ZIP file that is not an .xlsx, .xlsm or .ods workbook", "是 ZIP 文件，但不是 .xlsx、.xlsm 或 .ods 工作簿"),
        "unreadable": ("can't read this workbook: {reason}", "无法读取此工作簿：{reason}"),
        "password": ("can't read this workbook: the workbook is protected by a password; save an unprotected copy",
                     "无法读取此工作簿：工作簿设有密码保护；请另存一份不加密的副本"),
    },
    "csv-encoding": {
        "not-valid": ("not valid {encoding} (byte {byte})", "不是有效的 {encoding} 编码（字节位置 {byte}）"),
        "utf16": ("starts with a UTF-16 byte order mark but is not {encoding} (byte {byte})",
                  "以 UTF-16 字节顺序标记（BOM）开头，但内容不是 {encoding}（字节位置 {byte}）"),
        "utf8-bom": ("starts with a UTF-8 byte order mark but is not UTF-8 (byte {byte})",
                     "以 UTF-8 字节顺序标记（BOM）开头，但内容不是 UTF-8（字节位置 {byte}）"),
        "undetected": ("neither UTF-8 nor GB18030/GBK; save the file as UTF-8 or give --encoding (byte {byte})",
                       "既不是 UTF-8 也不是 GB18030/GBK 编码；请把文件另存为 UTF-8，或用 --encoding 指明编码"
                       "（字节位置 {byte}）"),
        "unknown": ("unknown encoding {encoding}", "未知的编码 {encoding}"),
        "unusable": ("can't read with {encoding}: {reason}", "无法按 {encoding} 编码读取：{reason}"),
    },
    "csv-nul-byte": {
        "nul": ("contains a NUL byte; is this really a CSV file?", "含有 NUL 字节；这确实是 CSV 文件吗？"),
    },
    "csv-empty": {
        "file": ("the file is empty; expected a header row indicator,period,value",
                 "文件是空的；应有表头行 indicator,period,value（或 指标,期间,数值）"),
        "sheet": ("the sheet is empty; expected a header row indicator,period,value",
                  "工作表是空的；应有表头行 indicator,period,value（或 指标,期间,数值）"),
    },
    "csv-missing-column": {
        "none": ("no {missing} column{where}; the header must name indicator, period and value (or 指标, 期间, 数值); "
                 "found {found}{hint}",
                 "{where}没有{missing}列；表头须有 indicator、period、value（或 指标、期间、数值）三列；"
                 "找到的是 {found}{hint}"),
    },
    "csv-duplicate-column": {
        "both": ("columns {first} and {second} both name '{meaning}'", "{first} 和 {second} 两列都是“{meaning}”列"),
    },
    "csv-row-length": {
        "cells": ("{cells} cells, the header has {width}", "本行有 {cells} 个单元格，表头有 {width} 个"),
        "number": ("{cells} cells, the header has {width}: is {number} one number? Quote a number that has a "
                   'thousands separator ("1,380") or leave the commas out',
                   "本行有 {cells} 个单元格，表头有 {width} 个：{number} 是一个数吗？带千位分隔符的数字请加引号"
                   '（"1,380"），或去掉其中的逗号'),
        "comma": ("{cells} cells, the header has {width}; a cell that holds a comma must be quoted",
                  "本行有 {cells} 个单元格，表头有 {width} 个；含逗号的单元格必须加引号"),
    },
    "csv-field-too-large": {
        "limit": ("a cell is longer than {limit} characters (an unclosed quote?)",
                  "有单元格超过 {limit} 个字符（是否有未闭合的引号？）"),
    },
    "csv-syntax": {"csv": ("{reason}", "CSV 格式错误：{reason}")},
    "workbook-no-header": {
        "none": ("no sheet has a header naming indicator, period and value (or 指标, 期间, 数值) in its first {rows} "
                 "rows ({reasons})",
                 "没有一个工作表在前 {rows} 行中有含 indicator、period、value（或 指标、期间、数值）的表头（{reasons}）"),
    },
    "workbook-no-sheet": {
        "none": ("no sheet {sheet}; the sheets are {sheets}", "没有工作表 {sheet}；现有的工作表：{sheets}"),
    },
    "workbook-not-calculated": {
        "formulas": ("{count} formula cell(s) have no saved result (first {cell}): the program that wrote this "
                     "workbook never calculated it; open it in Excel, WPS or LibreOffice and save it, then check it "
                     "again",
                     "{count} 个公式单元格没有保存计算结果（第一个：{cell}）：生成此工作簿的程序没有计算公式；"
                     "请用 Excel、WPS 或 LibreOffice 打开并保存，再重新检查"),
    },
    # submissions: the rows
    "csv-unknown-indicator": {
        "unknown": ("no indicator {indicator} in plan {plan}{hint}", "规划 {plan} 中没有指标 {indicator}{hint}"),
    },
    "csv-ambiguous-indicator": {
        "name": ("{name} is the name of {count} indicators of plan {plan}: {ids}; write the id",
                 "{name} 是规划 {plan} 中 {count} 个指标共用的名称：{ids}；请填写指标编号"),
    },
    "csv-bad-period": {
        "reason": ("{reason}", "{reason}"),
        "serial-among-periods": (
            "{period} is not a period; as an Excel date serial it would be {day}, but the period column also holds "
            "{other} (line {other_line}), so it is not read as one; write the period",
            "{period} 不是期间；作为 Excel 日期序列号它是 {day}，但期间列中还有 {other}（第 {other_line} 行），"
            "因此不按日期读取；请写明期间"),
    },
    "csv-bad-value": {"value": ("{value} for {indicator}: {reason}", "{indicator} 的数值 {value}：{reason}")},
    "csv-wrong-unit": {"unit": ("{value} for {indicator}: {reason}", "{indicator} 的数值 {value}：{reason}")},
    "csv-duplicate-report": {
        "differs": ("{report} is {value} here but {earlier} on line {earlier_line}",
                    "{report}在本行为 {value}，但在第 {earlier_line} 行为 {earlier}"),
        "differs-in-file": ("{report} is {value} here but {earlier} in {other} on line {earlier_line}",
                            "{report}在本行为 {value}，但在 {other} 第 {earlier_line} 行为 {earlier}"),
    },
    "csv-unknown-region": {
        "unknown": ("no region {region} in plan {plan}{hint} (its regions: {regions})",
                    "规划 {plan} 中没有区县 {region}{hint}（其区县有：{regions}）"),
    },
    "workbook-error-cell": {
        "error": ("cell {cell} holds the error {error}, not a value; correct the formula or type the figure",
                  "单元格 {cell} 是错误值 {error}，不是数值；请改正公式或直接填写数字"),
    },
    "csv-unknown-plan": {"unknown": ("no plan {plan}; {plans}", "没有规划 {plan}；{plans}")},
    "csv-no-plan": {
        "unknown": ("can't tell which plan this is for: add a plan column, start the file name with a plan id or city "
                    "name (jiangmen-2024Q4.csv, 江门-2024Q4.csv), or pass --plan",
                    "无法判断此文件属于哪个规划：请加一列 plan（规划），或让文件名以规划编号或城市名开头"
                    "（jiangmen-2024Q4.csv、江门-2024Q4.csv），或用 --plan 指定"),
    },
    "csv-is-report": {
        "report": ("a report of tcmcheck, not a submission; write reports outside the directories searched, or name "
                   "this file with -o so that the search leaves it out",
                   "这是 tcmcheck 生成的报告，不是报送数据；请把报告写在被搜索的目录之外，或用 -o 指明此文件，"
                   "搜索时就会跳过它"),
    },
    "dir-unreadable": {"os": ("can't search this directory: {reason}", "无法搜索此目录：{reason}")},
    "no-submissions": {
        "none": ("no *.csv file in {paths} (nor *.tsv, *.xlsx, *.xlsm, *.xls or *.ods); pass --allow-empty to accept "
                 "a run with nothing to check",
                 "{paths} 中没有 *.csv 文件（也没有 *.tsv、*.xlsx、*.xlsm、*.xls 或 *.ods）；"
                 "如果没有文件可查也算通过，请加 --allow-empty"),
    },
    "internal-error": {
        "crash": ("tcmcheck failed on this file ({error}); please report it",
                  "tcmcheck 处理此文件时出错（{error}）；请报告此问题"),
    },
    # allocations (--targets)
    "targets-missing-column": {
        "region": ("no region column; an allocation file has the columns indicator, region, due and value",
                   "没有区县（region）列；分解目标文件应有 indicator、region、due、value 四列"),
    },
    "targets-unknown-indicator": {
        "unknown": ("no indicator {indicator} in plan {plan}{hint}", "规划 {plan} 中没有指标 {indicator}{hint}"),
    },
    "targets-not-allocatable": {
        "deliverable": ("{indicator} is a deliverable; it has no figure to allocate",
                        "{indicator} 是完成类任务，没有可分解的数值"),
    },
    "targets-no-region": {
        "city": ("an allocation names a region, not the city", "分解目标应写区县，而不是全市"),
    },
    "targets-unknown-region": {
        "unknown": ("no region {region} in plan {plan} (its regions: {regions})",
                    "规划 {plan} 中没有区县 {region}（其区县有：{regions}）"),
    },
    "targets-bad-due": {
        "reason": ("{reason}", "{reason}"),
        "no-milestone": ("{indicator} has no milestone due {due}; its milestones are due {dues}",
                         "{indicator} 没有在 {due} 到期的目标；其目标的期限是 {dues}"),
    },
    "targets-bad-value": {"value": ("{value} for {indicator}: {reason}", "{indicator} 的数值 {value}：{reason}")},
    "targets-duplicate": {
        "differs": ("{indicator} for {region} due {due} is {value} here but {earlier} on line {earlier_line}",
                    "{region}的 {indicator}（{due} 到期）在本行为 {value}，但在第 {earlier_line} 行为 {earlier}"),
    },
    # the command line and the report
    "region-unknown": {
        "unknown": ("no region {region} in this submission; its regions: {regions}",
                    "此报送中没有区县 {region}；其中的区县有：{regions}"),
    },
    "output-is-input": {"input": ("refusing to overwrite the input file {path}", "拒绝覆盖输入文件 {path}")},
    "output-exists": {"exists": ("already exists; pass --force to replace it", "文件已存在；如要替换，请加 --force")},
    "output-unwritable": {"os": ("{reason}", "无法写入：{reason}")},
    "output-needs-file": {
        "binary": ("--format {format} writes a binary file, not text for a terminal or a pipe; name the file with -o, "
                   "as in -o report.{format}",
                   "--format {format} 生成的是二进制文件，不能输出到终端或管道；请用 -o 指定文件，如 -o report.{format}"),
    },
    "usage-no-command": {
        "unknown": ("no command {command}; the commands are {commands}",
                    "没有 {command} 这个命令；可用的命令有：{commands}"),
    },
    "usage-no-option": {
        "unknown": ("{command} has no option {option}; run {help} for its options",
                    "{command} 没有 {option} 这个选项；运行 {help} 可查看全部选项"),
        "close": ("{command} has no option {option}; did you mean {options}?",
                  "{command} 没有 {option} 这个选项；是不是要用 {options}？"),
    },
    "usage-missing": {
        "argument": ("{name} is missing: {usage}", "缺少 {name}：用法是 {usage}"),
        "value": ("{name} needs a value", "{name} 后面要写一个值"),
        "flag": ("{name} is a switch and takes no value", "{name} 是开关，后面不能写值"),
    },
    "usage-extra": {
        "argument": ("more arguments than the command takes: {arguments}; its usage is {usage}",
                     "多出了参数 {arguments}：用法是 {usage}"),
    },
    "usage-bad-choice": {"choice": ("{value} is not one of {choices}", "{value} 不是可选的值；可选：{choices}")},
    "usage-bad-status": {
        "statuses": ("{value} is not a status; use {statuses}", "{value} 不是状态；可用：{statuses}"),
        "or-none": ("{value} is not a status; use {statuses}, or none", "{value} 不是状态；可用：{statuses}，或 none"),
    },
    "usage-bad-number": {
        "at-least": ("{value} is not a whole number of {least} or more", "{value} 不是不小于 {least} 的整数"),
    },
    "usage-bad-date": {"reason": ("{reason}", "{reason}")},
    "usage-bad-delimiter": {
        "length": ("{value} is not one character; give ';', '|', tab, …", "{value} 不是单个字符；可用 ';'、'|'、tab 等"),
    },
    "usage-bom": {
        "format": ("a byte order mark is for --format csv, not {format}",
                   "字节顺序标记（BOM）只用于 --format csv，不用于 {format}"),
        "workbook": ("a byte order mark is for CSV templates; a workbook needs none",
                     "字节顺序标记（BOM）只用于 CSV 模板；工作簿不需要"),
    },
    "usage-workbook-suffix": {
        "suffix": ("tcmcheck writes workbooks as .xlsx, not {suffix}: name the file .xlsx, or pass --format csv",
                   "tcmcheck 只生成 .xlsx 工作簿，不生成 {suffix}：请把文件名改为 .xlsx，或加 --format csv"),
    },
    "usage-error": {"other": ("{message}", "命令行有误：{message}")},
    # warnings
    "csv-percent-over-100": {"over": ("{indicator} is {value}, above 100%", "{indicator} 为 {value}，超过 100%")},
    "csv-negative-value": {"negative": ("{indicator} is negative ({value})", "{indicator} 为负数（{value}）")},
    "csv-period-before-plan": {
        "before": ("{count} report(s) for periods ending before the plan starts ({start}) (first: {indicator} "
                   "{period})",
                   "{count} 条报送的期间在规划开始（{start}）之前结束（第一条：{indicator} {period}）"),
    },
    "csv-period-after-as-of": {
        "after": ("{count} report(s) for periods ending after {as_of}; they were ignored (first: {indicator} "
                  "{period})",
                  "{count} 条报送的期间在 {as_of} 之后结束，已忽略（第一条：{indicator} {period}）"),
    },
    "csv-repeated-report": {
        "repeats": ("{report} repeats line {earlier_line}; read once", "{report}与第 {earlier_line} 行重复；只读取一次"),
        "repeats-in-file": ("{report} repeats {other} line {earlier_line}; read once",
                            "{report}与 {other} 第 {earlier_line} 行重复；只读取一次"),
    },
    "csv-unit-mismatch": {
        "unit": ("{indicator} is given in {given}; the plan measures it in {unit}",
                 "{indicator} 填报的单位是 {given}；规划中的单位是 {unit}"),
    },
    "csv-other-plan": {"left-out": ("rows for other plans were left out: {plans}", "属于其他规划的行未读取：{plans}")},
    "csv-percent-as-fraction": {
        "fraction": ("{indicator}: every value is at most 1 ({value} for {period}) but the target is {target}%; "
                     "a percentage is given as 25 for 25%, not 0.25",
                     "{indicator}：所有数值都不超过 1（{period} 为 {value}），但目标是 {target}%；"
                     "百分比应填 25 表示 25%，而不是 0.25"),
    },
    "csv-zero-baseline": {
        "zero": ("{indicator}: the baseline for {period} is 0, so any value meets a multiple of it",
                 "{indicator}：{period} 的基期值为 0，任何数值都满足其倍数目标"),
    },
    "csv-region-sum-mismatch": {
        "mismatch": ("{indicator} for {period}: the city figure {city} differs from the sum of its regions, {total}",
                     "{indicator} {period}：全市数值 {city} 与各区县之和 {total} 不一致"),
    },
    "csv-header-below-title": {
        "skipped": ("the header is on line {header_line}; the {count} line(s) above it ({title}) were skipped",
                    "表头在第 {header_line} 行；其上方的 {count} 行（{title}）已跳过"),
    },
    "csv-indicator-name": {
        "names": ("{count} row(s) name the indicator instead of giving its id (first: {name}, which is {indicator}); "
                  "write the id, which stays the same when a name is reworded",
                  "{count} 行填写的是指标名称而不是指标编号（第一个：{name}，即 {indicator}）；"
                  "请填写指标编号，名称改动时编号不变"),
    },
    "csv-date-serial": {
        "serials": ("{count} period(s) are Excel date serials, read as dates (first: {serial} = {day}); format the "
                    "period column as dates",
                    "{count} 个期间是 Excel 日期序列号，已按日期读取（第一个：{serial} = {day}）；请把期间列设为日期格式"),
    },
    "workbook-sheet-skipped": {"skipped": ("sheet(s) left out: {sheets}", "未读取的工作表：{sheets}")},
}
"""code -> variant -> (English, Chinese)."""

ANY_CODE: dict[str, tuple[str, str]] = {
    "more": ("... and {count} more like this", "……另有 {count} 条同类警告"),
}
"""Variants any code may take: the count of the warnings of one code left unlisted."""

PHRASES: dict[str, tuple[str, str]] = {
    # why a value, a period or a date can't be read (InvalidValue)
    "percent-sign": ("a percent sign on a value that is not a percentage", "该指标不是百分比，数值不能带百分号"),
    "number": ("expected a number", "应为数字"),
    "number-too-large": ("the number is too large", "数字太大"),
    "yes-no": ("expected yes/no (是/否, 已完成/未完成, true/false)", "应为是或否（是/否、已完成/未完成、true/false）"),
    "grade": ("expected a grade on the scale {levels}", "应为等级表中的等级：{levels}"),
    "wrong-unit": ("the unit {word} doesn't fit {indicator}, which is counted in {units} ({unit})",
                   "单位 {word} 与 {indicator} 不符，该指标的单位是 {units}（{unit}）"),
    "multiplier-on-percent": ("{multiplier} (×{factor}) on a percentage", "百分比数值不能带“{multiplier}”（×{factor}）"),
    "period-time-of-day": ("{text} is a date and a time of day; a period is a date (2024-06-30), a month, a quarter or "
                           "a year",
                           "{text} 是日期加时刻；期间应为日期（2024-06-30）、月份、季度或年份"),
    "period-not-real": ("{text} is not a real date ({reason})", "{text} 不是真实存在的日期（{reason}）"),
    "period-invalid": ("{text} is not a period; expected 2024, 2024-06, 2024-06-15, 2024Q2 or 2024H1",
                       "{text} 不是期间；应写成 2024、2024-06、2024-06-15、2024Q2 或 2024H1"
                       "（也可写 2024年、2024年6月、2024年第二季度、2024年上半年）"),
    "month-out-of-range": ("month must be in 1..12", "月份应在 1 到 12 之间"),
    "bad-month": ("bad month number {month}; must be 1-12", "没有第 {month} 月，月份应在 1 到 12 之间"),
    "day-out-of-range": ("day is out of range for month", "这个月没有这一天"),
    # parts of messages
    "directory-not-plan": (" (a directory is not a plan)", "（目录不是规划）"),
    "directory": ("a directory", "目录"),
    "character-device": ("a character device", "字符设备"),
    "block-device": ("a block device", "块设备"),
    "socket": ("a socket", "套接字"),
    "special-file": ("a special file", "特殊文件"),
    "column-indicator": ("indicator", "指标"),
    "column-period": ("period", "期间"),
    "column-value": ("value", "数值"),
    "column-note": ("note", "备注"),
    "column-plan": ("plan", "规划"),
    "column-unit": ("unit", "单位"),
    "column-region": ("region", "区县"),
    "column-name": ("name", "指标名称"),
    "in-first-rows": (" in the first {rows} rows", "前 {rows} 行中"),
    "delimiter-hint": ("; the file seems separated by something other than commas or tabs: give --delimiter "
                       "(--delimiter ';') or save it as comma-separated CSV",
                       "；文件似乎不是用逗号或制表符分隔的：请用 --delimiter 指明分隔符（如 --delimiter ';'），"
                       "或另存为逗号分隔的 CSV"),
    "sheet-reason": ("{sheet}: {reason}", "{sheet}：{reason}"),
    "sheet-no-columns": ("no {missing} column", "没有{missing}列"),
    "sheet-no-header": ("no header row", "没有表头行"),
    "sheet-empty": ("empty", "是空的"),
    "sheet-second-header": ("also has a header; only the first such sheet is read (choose with --sheet, or check "
                            "every sheet with summary)",
                            "也有表头；只读取第一个有表头的工作表（可用 --sheet 选择，或用 summary 检查每个工作表）"),
    "no-sheets": ("no sheets", "没有工作表"),
    "did-you-mean": ("; did you mean {names}?", "；是不是 {names}？"),
    "report-of": ("{indicator} for {period}", "{indicator} 在 {period} 的报送值"),
    "report-of-region": ("{indicator} for {period} in {region}", "{region} {indicator} 在 {period} 的报送值"),
    "plans-known": ("built-in plans: {ids}{given}", "内置规划有：{ids}{given}"),
    "plan-given": ("; --plan {plan}", "；--plan 为 {plan}"),
    "none": ("none", "无"),
    "not-a-number": ("is not a number (NaN)", "不是数字（NaN）"),
    "infinite": ("is infinite", "是无穷大"),
    "too-large": ("is too large", "太大"),
    "more-problems": ("... and {count} more problems", "……另有 {count} 个问题"),
    "crashed": ("tcmcheck: internal error (a bug in tcmcheck; please report it with the lines above)",
                       "tcmcheck：内部错误（这是 tcmcheck 的缺陷；请连同以上内容一起报告）"),
    "plan-replaces-builtin": ("{name}: plan id {plan} is also a built-in plan; using {name}",
                              "{name}：规划编号 {plan} 与内置规划相同；使用 {name}"),
    "plan-replaces-builtin-summary": (
        "{name}: plan id {plan} is also a built-in plan; using {name} for every file that names it",
        "{name}：规划编号 {plan} 与内置规划相同；凡指明该规划的文件都使用 {name}"),
    # plan schema violations (jsonschema's English, said again with their parameters)
    "schema-enum": ("{instance} is not one of {allowed}", "{instance} 不是允许的取值；应为其中之一：{allowed}"),
    "schema-const": ("{expected} was expected", "应为 {expected}"),
    "schema-type": ("{instance} is not of type {types}", "{instance} 的类型不对；应为{types}"),
    "schema-required": ("{name} is a required property", "缺少必填字段 {name}"),
    "schema-pattern": ("{instance} does not match {pattern}", "{instance} 的写法不对（应符合正则表达式 {pattern}）"),
    "schema-minimum": ("{instance} is less than the minimum of {limit}", "{instance} 小于最小值 {limit}"),
    "schema-maximum": ("{instance} is greater than the maximum of {limit}", "{instance} 大于最大值 {limit}"),
    "schema-exclusive-minimum": ("{instance} is less than or equal to the minimum of {limit}",
                                 "{instance} 应大于 {limit}"),
    "schema-exclusive-maximum": ("{instance} is greater than or equal to the maximum of {limit}",
                                 "{instance} 应小于 {limit}"),
    "schema-non-empty": ("{instance} should be non-empty", "{instance} 不能为空"),
    "schema-too-short": ("{instance} is too short", "{instance} 太短"),
    "schema-unique": ("{instance} has non-unique elements", "{instance} 中有重复的项"),
    "schema-dependency": ("{dependency} is a dependency of {name}", "有 {name} 时必须同时有 {dependency}"),
    "schema-no-alternative": ("{instance} is not valid under any of the given schemas",
                              "{instance} 不符合任何一种允许的写法"),
    "schema-described": ("{instance} is not valid: {description}", "{instance} 无效：{description}"),
    "schema-not-for-kind": ("{fields} is not allowed for kind {kind}", "kind 为 {kind} 时不允许有 {fields}"),
    "schema-not-here": ("{fields} is not allowed here", "此处不允许有 {fields}"),
    "schema-other": ("{reason}", "不符合规划的模式：{reason}"),
    "schema-description-period": ("The end of a period: 2025, 2024-06, 2024-06-15, 2024Q2 or 2024H1.",
                                  "应为期间的结束：2025、2024-06、2024-06-15、2024Q2 或 2024H1。"),
    "schema-description-annual-milestone": (
        "One year's own flow: a value (with op), or a range low-high (met at low, as 每年2-3个).",
        "应为一年本身的数量：一个数值（配合 op），或一个区间 low-high（达到 low 即达标，如每年2-3个）。"),
    "type-string": ("'string'", "字符串"),
    "type-number": ("'number'", "数字"),
    "type-integer": ("'integer'", "整数"),
    "type-boolean": ("'boolean'", "布尔值（true 或 false）"),
    "type-array": ("'array'", "列表"),
    "type-object": ("'object'", "映射（键: 值）"),
    "type-null": ("'null'", "空值"),
    # what an operating system says (strerror), glossed in Chinese
    "os-other": ("{reason}", "{reason}"),
    "os-EACCES": ("{reason}", "权限不足（{reason}）"),
    "os-EPERM": ("{reason}", "不允许此操作（{reason}）"),
    "os-ENOENT": ("{reason}", "文件或目录不存在（{reason}）"),
    "os-ENOTDIR": ("{reason}", "路径中有一部分不是目录（{reason}）"),
    "os-EISDIR": ("{reason}", "是目录（{reason}）"),
    "os-ENOSPC": ("{reason}", "磁盘空间不足（{reason}）"),
    "os-EDQUOT": ("{reason}", "超出磁盘配额（{reason}）"),
    "os-EROFS": ("{reason}", "文件系统是只读的（{reason}）"),
    "os-ELOOP": ("{reason}", "符号链接形成了循环（{reason}）"),
    "os-ENAMETOOLONG": ("{reason}", "文件名太长（{reason}）"),
    "os-EBADF": ("{reason}", "文件描述符无效或已关闭（{reason}）"),
    "os-EIO": ("{reason}", "输入输出错误（{reason}）"),
    "os-EPIPE": ("{reason}", "管道已断开（{reason}）"),
    "os-EFBIG": ("{reason}", "文件太大（{reason}）"),
    "os-EBUSY": ("{reason}", "设备或资源忙（{reason}）"),
}
"""key -> (English, Chinese): words a problem's message holds."""


class Semicolons(tuple):
    """Items of a message parameter that are joined with semicolons, not commas."""


@dataclass(frozen=True)
class Phrase:
    """Words from PHRASES with their parameters, rendered in the language of the message that holds them."""

    key: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, key: str, /, **params: object) -> "Phrase":
        _check(PHRASES, key, key, params)
        return cls(key, tuple(params.items()))

    def text(self, lang: str) -> str:
        return render(PHRASES[self.key], self.params, lang)


def problem_templates(code: str, variant: str) -> tuple[str, str]:
    """The English and Chinese template of a problem; KeyError naming both when there is none."""
    found = PROBLEMS.get(code, {}).get(variant) or ANY_CODE.get(variant)
    if found is None:
        raise KeyError(f"no message {variant!r} for code {code!r} in tcmcheck/messages.py")
    return found


def check_problem(code: str, variant: str, params: dict) -> None:
    """Raise when the catalogue has no such message, or the message names other parameters."""
    _check({variant: problem_templates(code, variant)}, variant, f"{code}/{variant}", params)


def fields(template: str) -> frozenset[str]:
    """The names of the parameters a template uses."""
    known = _FIELDS.get(template)
    if known is None:
        known = _FIELDS[template] = frozenset(_FIELD.findall(template))
    return known


_FIELDS: dict[str, frozenset[str]] = {}
_FIELD = re.compile(r"\{(\w+)\}")


def _check(table: dict[str, tuple[str, str]], key: str, shown: str, params: dict) -> None:
    templates = table.get(key)
    if templates is None:
        raise KeyError(f"no message {shown!r} in tcmcheck/messages.py")
    wanted = fields(templates[0])
    if wanted != params.keys():
        raise TypeError(f"message {shown!r} takes {sorted(wanted)}, not {sorted(params)}")


def render(templates: tuple[str, str], params: tuple[tuple[str, object], ...], lang: str) -> str:
    """One of a pair of templates with its parameters: phrases in the same language, items joined as the
    language joins them."""
    zh = lang == "zh"
    values = {name: _shown(value, zh, lang) for name, value in params}
    return templates[1 if zh else 0].format(**values)


def _shown(value: object, zh: bool, lang: str) -> object:
    if isinstance(value, Phrase):
        return value.text(lang)
    if isinstance(value, tuple):
        separator = ("；" if zh else "; ") if isinstance(value, Semicolons) else ("、" if zh else ", ")
        return separator.join(str(_shown(item, zh, lang)) for item in value)
    return value


def os_reason(exc: OSError) -> Phrase:
    """What the system said of a failed file operation, with a Chinese gloss of its errno when there is one."""
    reason = exc.strerror or str(exc)
    name = errno.errorcode.get(exc.errno or 0, "")
    key = f"os-{name}"
    return Phrase.of(key if key in PHRASES else "os-other", reason=reason)


def phrase_for(prefix: str, english: str) -> Phrase | str:
    """The phrase under `prefix` whose English is `english` (a description from the plan schema), else the
    English itself."""
    for key, (text, _) in PHRASES.items():
        if key.startswith(prefix) and text == english:
            return Phrase(key)
    return english
