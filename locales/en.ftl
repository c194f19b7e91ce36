# English texts. Keys must match km.ftl (a test checks).

# commands (the lists each chat sees)
cmd-start = Start
cmd-menu = Main menu
cmd-whoami = Who am I linked to
cmd-language = Change language
cmd-help = Help
cmd-unlink = Unlink from a school or a child
cmd-invite = Create an invite link

# errors
error-generic = Sorry, something went wrong. Please try again in a moment.
error-too-fast = You are tapping too fast. Please wait a moment.
error-unknown-command = I don't know that command. Tap /help to see what you can do.
error-not-understood = I didn't understand that. Tap /menu or /help.

# menus
menu-outdated = This button is out of date. Please use a fresh menu (/menu).
menu-whoami = 👤 Who am I
menu-language = 🌐 Language
menu-code = 🔑 I have an invite code
menu-help = ❓ Help
home-title = Main menu. What would you like to do?
home-welcome-back = Welcome back! What would you like to do?
home-not-linked = Your account is not linked to a school yet. Tap /start to share your phone number, or use an invite code.

# language
language-choose = សូមជ្រើសរើសភាសា / Choose your language:
language-set = Language set to English

# onboarding
onboarding-greeting = Hello! 👋 This is the School Information System. You will get news about your child's attendance and messages from the school here.
    ភាសាខ្មែរ? ចុចប៊ូតុងខាងក្រោម។
onboarding-share-prompt = To link to your school, tap «📱 Share my phone number» below. We will look for this number on the school's lists.
onboarding-share-button = 📱 Share my phone number
onboarding-linked = ✅ You are linked!
onboarding-not-found = We could not find your phone number on any school's list.
    • Ask your child's homeroom teacher or the school office for an invite code, then tap the button below or open the link they give you.
    • Or ask the school to correct your number on its list, then tap /start again.
onboarding-not-own-contact = Please share your own phone number with the button below (not someone else's contact).
onboarding-bad-phone = That phone number is not valid. Please tap the button below again.
onboarding-not-cambodian = Only Cambodian phone numbers (+855) can be linked. If the school does not have your number, ask it for an invite code.

# who am I
whoami-title = 👤 Your account:
whoami-staff = 🏫 { $school } — { $roles }
whoami-homeroom =     Homeroom teacher of: { $classes }
whoami-parent = 👨‍👩‍👧 Guardian at { $school }:
whoami-child =     • { $name } — class { $class }
whoami-nobody = Your account is not linked to any school or student yet. Tap /start to link it.
role-principal = principal
role-operator = school operator
role-teacher = teacher
role-gatekeeper = gate keeper
role-parent = guardian
role-none = no role

# help
help-intro = ℹ️ Help
help-not-linked = You are not linked yet. Tap /start and share your phone number, or type the invite code the school gave you (/code).
help-principal = Principal: /today for the day's attendance, /invite teacher or /invite operator to invite staff, /invite parent STUDENT-CODE to invite a guardian.
help-operator = Operator: /today for every class, /attendance 7A to mark on a teacher's behalf, /substitute, /holiday, /invite teacher to invite a teacher, /invite parent STUDENT-CODE to invite a guardian.
help-teacher = Teacher: /attendance to take the roll (or type: 7A absent 3 17 late 5), /invite parent STUDENT-CODE to invite a guardian of a student in your class.
help-parent = Guardian: the school's news about your children comes here. /whoami shows the children you are linked to.
help-common = /menu main menu · /whoami my account · /language language · /unlink unlink

# invites
invite-ask-code = Please type or paste the invite code the school gave you (it starts with the letter i). Tap /cancel to stop.
invite-ask-code-text = Please send the code as text.
invite-ok-parent = ✅ You are now linked to your child. The school's news will come here.
invite-ok-staff = ✅ You are now linked as school staff. Tap /menu to begin.
invite-invalid = This invite code is not valid. Please check it, or ask the school for a new one.
invite-expired = This invite code has expired. Please ask the school for a new one.
invite-used = This invite code has already been used. Each code works once. Please ask the school for a new one.
invite-revoked = The school has cancelled this invite code. Please ask for a new one.
invite-try-again = Please try again, or tap /cancel.
invite-give-up = Still not valid. Please contact the school for a new code.
invite-usage = How to use: /invite teacher · /invite operator · /invite principal · /invite parent STUDENT-CODE
invite-denied-forbidden = You may not create this invite.
invite-denied-unknown-student = No student with that code at your school.
invite-created = Invite for a { $role }:
    { $link }
    Code: { $code }
    Works once, until { $until }.

# unlinking
unlink-choose = What do you want to unlink?
unlink-staff = 🏫 Staff at { $school }
unlink-parent = 👨‍👩‍👧 { $count } children at { $school }
unlink-all = Unlink everything
unlink-confirm = Are you sure? You will stop receiving the school's messages for this.
unlink-done = ✅ Unlinked. Tap /start to link again at any time.
unlink-nothing = Nothing to unlink (perhaps it already was).
unlink-cancelled = Cancelled.
button-cancel = Cancel
button-yes-unlink = Yes, unlink


# roster errors
roster-err-unreadable-file = This file could not be read. Please send an Excel file (.xlsx) or a CSV file saved as UTF-8.
roster-err-empty-file = The file has no data rows. Fill in the rows under the header row and send it again.
roster-err-missing-column = The header row has no “{ $column }” column. Add it and send the file again.
roster-err-too-many-rows = The file has { $value } rows, but at most 50,000 rows can be imported at once. Please split it into smaller files.
roster-err-too-many-errors = Too many errors ({ $value } in total): only the first 200 are listed. Fix them and send the file again.
roster-err-required = Row { $row }: “{ $column }” is empty, but it must be filled in.
roster-err-bad-class = Row { $row }: class “{ $value }” is not valid. Write the grade (1–12) followed by the section letter, e.g. 7A or 12B.
roster-err-bad-shift = Row { $row }: shift “{ $value }” is not valid. Write morning or afternoon.
roster-err-bad-code = Row { $row }: code “{ $value }” is not valid. Use at most 40 Latin letters, digits or the signs - _ . /
roster-err-duplicate-code = Row { $row }: code { $value } is already used in this file. Each code must be different.
roster-err-bad-sex = Row { $row }: sex “{ $value }” is not valid. Write M or F.
roster-err-bad-date = Row { $row }: date “{ $value }” is not a real date between 1990 and today. Write it as YYYY-MM-DD (e.g. 2015-03-27) or DD/MM/YYYY (e.g. 27/03/2015).
roster-err-bad-phone = Row { $row }: “{ $value }” in column { $column } is not a phone number. Write it like 012 345 678.
roster-err-not-cambodian-phone = Row { $row }: “{ $value }” in column { $column } is not a Cambodian phone number. Only Cambodian numbers (+855) can be used.
roster-err-class-shift-conflict = Row { $row }: class { $value } already has a different shift. A class can only study in one shift.
roster-err-bad-role = Row { $row }: role “{ $value }” is not known. Use principal, operator or teacher.
roster-err-duplicate-phone = Row { $row }: phone number { $value } is already given to another staff member. Each staff member needs their own number.
roster-err-unknown-class = Row { $row }: there is no class { $value } at this school. Import the student list first, or correct the class name.
roster-err-duplicate-homeroom = Row { $row }: class { $value } already has another homeroom teacher in this file.
onboarding-linked-later = ✅ { $school } has added your phone number. Your account is now linked. Tap /whoami to see it.

# attendance
cmd-attendance = Take attendance
cmd-today = Today's attendance (all classes)
cmd-substitute = Give a class to a substitute
cmd-holiday = Holidays
menu-attendance = 📋 Attendance
menu-today = 🏫 Today
shift-morning = morning
shift-afternoon = afternoon
list-and = { ", " }
sheet-title = 📋 Class { $class } · { $shift } shift · { $date }
sheet-counts = ✅ { $present }  ❌ { $absent }  ⏰ { $late }  📝 { $excused }  (total { $total })
    girls: ✅ { $presentF }  ❌ { $absentF }  ⏰ { $lateF }  📝 { $excusedF }  (total { $totalF })
sheet-submitted = ✔️ Submitted at { $time }. Tap a name to change it, then submit again.
sheet-correcting = ✏️ Correcting — tap «Submit» to save the changes.
sheet-hint = Tap a name: ✅ present → ❌ absent → ⏰ late → 📝 excused.
sheet-all-present = ✅ All present
sheet-submit = 📤 Submit
sheet-confirm = Submit attendance for class { $class }?
    ✅ { $present }  ❌ { $absent }  ⏰ { $late }  📝 { $excused }
    Absent: { $names }
    Families of absent children are told at once.
sheet-confirm-yes = 📤 Yes, submit
sheet-back = ↩️ Back
sheet-done-short = Submitted
sheet-done = ✅ Class { $class } submitted at { $time }. Families told: { $alerts }.
sheet-corrected = ✅ Class { $class } corrected at { $time }. New alerts: { $alerts }, corrections: { $corrections }.
sheet-correct = ✏️ Correct
reason-sick = sick
reason-family = family
reason-other = other
reason-ask-note = Please type the reason in a few words:
answer-sick = family says: sick
answer-late = family says: coming late
answer-unaware = family says: did not know
attendance-denied-forbidden = You cannot take attendance for this class.
attendance-denied-not-found = This class does not exist.
attendance-denied-day-closed = That day is closed. Only the school office can correct it (within 7 days).
attendance-denied-holiday = That day is a school holiday. No attendance is taken.
attendance-denied-future = Attendance cannot be taken for a day that has not come yet.
attendance-stale-day = This list is for { $date }. Please open a new one with /attendance.
attendance-list-changed = The class list has changed. Here is the new list.
attendance-usage = How to use: /attendance, /attendance 7A or /attendance 7A 2026-11-20
attendance-no-classes = You have no class to take attendance for today.
attendance-choose-class = Choose a class ({ $date }):
attendance-reminder = ⏰ Reminder: attendance for class { $class }, { $shift } shift, { $date } has not been submitted yet.
attendance-open = 📋 Take attendance now
quick-twice = Number { $token } appears twice. Please write it again.
quick-bad-token = I don't understand “{ $token }”. Example: 7A absent 3 17 22 late 5
quick-out-of-range = Class { $class } has { $max } students. There is no number { $numbers }.
quick-confirm = Everyone else is marked present. Submit?
quick-open-list = 📋 Open the list
today-title = 🏫 Attendance on { $date }
today-class-done = ✔️ { $class } ({ $shift }) { $time } · { $by } — ✅ { $present } ❌ { $absent } ⏰ { $late } 📝 { $excused } · answers { $answers }
today-by-office = office
today-class-missing = … { $class } ({ $shift }) not submitted · { $teacher } { $linked }
today-not-linked = (not on Telegram yet)
today-totals = Total: { $submitted }/{ $classes } classes submitted · ✅ { $present } ❌ { $absent } ⏰ { $late } 📝 { $excused } ({ $students } students)
today-remind = 🔔 Remind classes not submitted ({ $count })
today-reminded = Reminders sent: { $count }.
substitute-usage = How to use: /substitute 7A TEACHER-CODE [2026-11-24]
substitute-done = ✅ Class { $class } is given to { $name } for { $date }.
substitute-forbidden = Only the school office or the principal can give a class to a substitute.
substitute-unknown-class = No such class at your school.
substitute-unknown-staff = No teacher with that code.
holiday-list = 📅 Coming holidays:
holiday-none = No holidays in the next 60 days. Add one: /holiday 2026-12-10 reason
holiday-usage = How to use: /holiday 2026-12-10 reason · /holiday remove 2026-12-10 · /holiday (list)
holiday-set = ✅ { $date } is a holiday. No attendance and no alerts that day.
holiday-removed = ✅ { $date } is a normal school day again.
alert-absent-one = ⚠️ { $names } (class { $class }) is not at school today, { $date }, { $shift } shift.
    Please answer the school:
alert-absent-many = ⚠️ Your children are not at school today, { $date }, { $shift } shift: { $names }.
    Please answer the school:
alert-answer-sick = 🤒 I know — sick
alert-answer-late = 🕒 Coming late
alert-answer-unaware = ❓ I did not know
alert-correction-late = ✅ Correction: { $name } (class { $class }) arrived at school at { $time } on { $date } (late).
alert-correction-present = ✅ Correction: { $name } (class { $class }) is at school on { $date }.
alert-correction-excused = ✅ Correction: { $name }'s absence (class { $class }) on { $date } is excused.
alert-not-yours = This message is not for you.
alert-answer-recorded = Answer received. Thank you!
alert-answered = ✔️ Your answer: { $answer }
today-unreachable = 📵 Families who blocked the bot and cannot get alerts: { $list }
quick-confirm-correction = A correction: only the students you named change. Submit?

# reports
cmd-report = Attendance reports
cmd-student = One student's attendance
menu-report = 📊 Reports
report-choose = Which report?
report-btn-today = Today
report-btn-yesterday = Yesterday
report-btn-week = This week
report-btn-month = This month
report-btn-lastmonth = Last month
report-usage = How to use: /report today · /report yesterday · /report week · /report month 2026-10 · /report 7A month
report-future = A report cannot cover a period that has not come yet.
report-denied-class = You cannot see this report.
report-preparing = ⏳ Preparing the report ({ $period }). The picture and the Excel file will follow shortly.
report-children-title = 📊 Your children's attendance from { $from } to { $to }:
report-child-line = • { $name } (class { $class }): present { $present } of { $days } days · late { $late } · absent { $absent } · excused { $excused }
student-usage = How to use: /student STUDENT-CODE [2026-10]
student-denied = No such student in your classes or school.
report-summary-title = 📊 { $school } — { $period }
report-summary-rate = Attendance { $rate } (girls { $rateF }) · school days { $days }
report-summary-counts = ✅ { $present }  ⏰ { $late }  📝 { $excused }  ❌ { $absent }
report-summary-flags = Chronic absentees { $chronic } · classes that did not submit { $missing }

# report rendering (chart and workbook: src/reports/render.ts, workbook.ts)
report-title-daily = Attendance on { $date }
report-title-monthly = Attendance in { $month }
report-title-range = Attendance from { $from } to { $to }
report-totals-daily = Attendance { $rate } · girls { $girls } · { $submitted }/{ $classes } classes submitted
report-totals-period = Attendance { $rate } · girls { $girls } · { $submitted }/{ $expected } attendance lists submitted
report-present = Present
report-late = Late
report-excused = Excused
report-absent = Absent
report-not-submitted = Not submitted
report-percent = { $value }%
report-shift-heading = { $shift } shift
report-total = Total
report-days-fraction = { $submitted }/{ $days } days
report-no-classes = No classes in this report.
report-sheet-summary = Summary
report-sheet-students = Students
report-sheet-days = Days
report-sheet-missing = Not submitted
report-col-class = Class
report-col-shift = Shift
report-col-students = Students
report-col-girls = Girls
report-col-school-days = School days
report-col-days-submitted = Days submitted
report-col-marks = Total marks
report-col-girls-of = { $column }, girls
report-col-rate = Attendance rate
report-col-girls-rate = Girls' attendance rate
report-col-code = Student code
report-col-name-km = Name (Khmer)
report-col-name-en = Name (Latin letters)
report-col-sex = Sex
report-sex-m = M
report-sex-f = F
report-col-days-marked = Days marked
report-col-longest-absence = Longest absence (school days in a row)
report-col-chronic = Chronic absence
report-yes = yes
report-no = no
report-col-date = Date
report-col-teacher = Teacher
report-teacher-none = (no teacher)

# province roll-up
role-director = education office
help-director = Education office: /report today or yesterday — use of the system and attendance across your schools, and the schools to call.
whoami-office-province = 🏛 Provincial education office: { $province }
whoami-office-national = 🏛 Ministry of Education (national)
rollup-national = Whole country
rollup-daily-only = The roll-up across schools is daily: /report today or /report yesterday
rollup-sheet = Schools
rollup-col-code = Code
rollup-col-name = School
rollup-col-classes = Classes
rollup-col-submitted = Submitted
rollup-col-submitted-share = Share submitted
rollup-col-students = Students
rollup-col-guardians = Guardians
rollup-col-linked-share = Share on Telegram
rollup-col-present = Present
rollup-col-late = Late
rollup-col-excused = Excused
rollup-col-absent = Absent
rollup-col-rate = Attendance
rollup-col-girls-rate = Girls' attendance
rollup-col-call = Needs a call
rollup-reason-none-submitted = no class submitted
rollup-reason-few-submitted = fewer than half the classes submitted
rollup-reason-low-attendance = attendance below 85%
rollup-reason-few-families = fewer than 30% of families linked
rollup-title = 🏛 { $area } — { $date }
rollup-adoption = Schools using the system today { $using }/{ $schools } · classes submitted { $classes } · families linked { $families }
rollup-rate = Attendance { $rate }
rollup-calls = Schools to call ({ $count }): { $list }
rollup-no-calls = No school needs a call.
rollup-chart-capped = The picture shows the { $shown } schools most in need of attention out of { $schools }; the Excel file lists them all.

## qr scanning
help-gatekeeper = Gate keeper: scan each student's card with the phone camera (the link opens this bot), send a photo of the card, or tap /scan to keep scanning card after card in the scanner.
menu-scan = 📷 Scan cards
cmd-scan = Scan student cards
cmd-notices = Arrival notices on or off
scan-notice-arrived = ✅ { $name } arrived at school at { $time }.
scan-notice-late = ⏰ { $name } arrived at school late, at { $time }.
scan-notices-off-button = 🔕 Stop arrival notices
scan-notices-on-button = 🔔 Send arrival notices again
scan-notices-off-done = 🔕 Arrival notices are off. You will still be told at once if your child is absent. /notices turns them back on.
scan-notices-on-done = 🔔 Arrival notices are on: you will be told when your child's card is scanned at the gate.
scan-notices-status-on = 🔔 Arrival notices are ON: you are told when your child's card is scanned at the gate. Absence alerts always come.
scan-notices-status-off = 🔕 Arrival notices are OFF. Absence alerts still come.
scan-notices-parents-only = Arrival notices are for guardians of students.
scan-arrived = ✅ { $name } · class { $class } — arrived { $time }
scan-arrived-late = ⏰ { $name } · class { $class } — arrived LATE { $time }
scan-families-told = 👪 Family told: { $count }
scan-departed = 👋 { $name } · class { $class } — left { $time } (arrived { $arrived })
scan-repeat = ↩️ { $name } was already scanned (arrived { $arrived }). Nothing changed.
scan-repeat-left = ↩️ { $name } was already scanned: arrived { $arrived }, left { $left }. Nothing changed.
scan-denied-malformed = ❌ That is not a student card code. Scan the QR on the card again.
scan-denied-forged = ❌ This card is not valid: its code was not made by this school system. Keep the card and tell the office.
scan-denied-revoked = ❌ This card was replaced by a new one and no longer works. Keep it and tell the office.
scan-denied-unknown = ❌ No current student has this card.
scan-denied-other-school = ❌ This card belongs to a student of another school. Nothing was recorded.
scan-denied-not-scanner = ℹ️ This is a student card. Only the school's gate keeper, operator or teachers can record scans with it.
scan-photo-none = 🔍 No QR code found in the photo. Hold the card flat, fill the picture with it and try again.
scan-photo-many = 🔍 The photo shows { $count } codes. Send one card per photo.
scan-photo-bad = ❌ That picture could not be read. Send a photo of one card.
scan-photo-too-big = ❌ That picture is too large. Send it as a photo, not as a file.
scan-howto = 📷 Three ways to record arrivals:
    1. Point the phone camera at a card: the link opens this bot and the arrival is recorded.
    2. Send a photo of a card here.
    3. Tap the button below to open the gate scanner and scan card after card.
scan-howto-no-app = 📷 Two ways to record arrivals:
    1. Point the phone camera at a card: the link opens this bot and the arrival is recorded.
    2. Send a photo of a card here.
scan-open-app = 📷 Open the gate scanner
scan-menu-button = Scanner
scan-app-title = Gate scanner
scan-app-start = 📷 Scan cards
scan-app-hint = Point at a student card
scan-app-empty = No scans yet. Tap the button and point the camera at a card.
scan-app-denied = ❌ This scanner is only for school staff who record arrivals.
scan-app-failed = ⚠️ Could not record: check the connection and scan again.
cutoff-teacher = 📋 Class { $class }, { $shift } { $date }: { $count } students were not scanned at the gate by { $time } and are proposed ABSENT:
    { $names }
    Tap ✅ to confirm and tell their families, or open the list to change it.
cutoff-teacher-sent = 📋 Class { $class }, { $shift } { $date }: { $count } students were not scanned by { $time }. They are marked absent and their families are being told:
    { $names }
    Open the list to correct it if a child is here.
cutoff-confirm = ✅ Confirm — tell families
cutoff-open = 📋 Open the list
cutoff-office-no-scans = ⚠️ No cards were scanned this { $shift } ({ $date }) at { $school }, so no absent list was proposed. Was the gate scanner used today?
today-by-scan = gate scans
cmd-scanning = Gate scanning settings
scanning-on = 📷 Gate scanning is ON for your school.
scanning-off = 📷 Gate scanning is OFF: scans are recorded, but there is no cutoff and no automatic absent list.
scanning-shift = { $shift }: late after { $late } · cutoff { $cutoff }
scanning-mode-confirm = At cutoff the homeroom teacher confirms the absent list in one tap, then families are told.
scanning-mode-immediate = At cutoff families of unscanned children are told at once; teachers can correct.
scanning-cooldown = A second scan within { $minutes } minutes is ignored.
scanning-howto = Change times by typing, e.g. /scanning late morning 07:15 · /scanning cutoff afternoon 14:00 · /scanning cooldown 5
scanning-turn-on = ▶️ Turn scanning on
scanning-turn-off = ⏸ Turn scanning off
scanning-use-confirm = 👩‍🏫 Teacher confirms first
scanning-use-immediate = ⚡ Tell families at cutoff
scanning-usage = Type for example: /scanning late morning 07:15 · /scanning cutoff afternoon 14:00 · /scanning cooldown 5 (minutes)
scanning-office-only = Only the principal or the school operator can change scanning settings.
scanning-error-no-school = Your school was not found.
scanning-error-bad-time = { $time } is not a time. Write it as HH:MM, e.g. 07:15.
scanning-error-bad-cooldown = The cooldown must be between 1 and 240 minutes.
scanning-error-cutoff-before-late = The cutoff ({ $cutoff }) must come after the late time ({ $late }). Nothing was changed.

## qr cards
qr-card-title = Student card
qr-card-class = Class
qr-card-code = Student ID
qr-cmd-cards = Print a class's student cards
qr-cmd-card = One student's card, or a new card for a lost one
qr-menu-cards = 🪪 Student cards
qr-choose-class = Print student cards for which class?
qr-btn-all-classes = All classes
qr-no-classes = You have no class to print student cards for. Cards are printed by the principal, the school's operator or the homeroom teacher.
qr-class-denied = You cannot print cards for class { $class } (no such class, or not yours).
qr-denied = You are not allowed to do this. Nothing changed.
qr-preparing-class = 🪪 Preparing the student cards of class { $class } (a PDF to print on A4). It will arrive shortly.
qr-preparing-all = 🪪 Preparing student cards for { $count } classes: one PDF per class, arriving one after another.
qr-sheet-title = { $school } · Class { $class }
qr-sheet-caption = 🪪 Student cards of class { $class }: { $count } students. Print on A4 at actual size (100%) and cut along the dashed lines.
qr-sheet-empty = Class { $class } has no students: no cards to print.
qr-card-usage = Type /card and the student code (e.g. /card S00123) for a student's card, or /card S00123 new to issue a new card for a lost one.
qr-student-not-found = No student with code { $code } at your school.
qr-student-denied = This student is not in your class.
qr-reissue-office-only = Only the principal or the school's operator can issue a new card. Please tell the school office.
qr-card-gone = This student is not on a class list of this school year, so no card can be made.
qr-card-preparing = 🪪 Preparing the card of { $name } (class { $class })…
qr-card-caption = 🪪 { $name } · class { $class } · { $code }
qr-card-caption-new = 🪪 New card for { $name } (class { $class }, { $code }). The old card no longer works.
qr-reissue-confirm = Issue a new card for { $name } (class { $class }, { $code })?
    The old card stops working at once.
qr-btn-reissue = Yes, issue a new card
qr-btn-cancel = Cancel
qr-reissued = ✅ New card issued for { $code } (card no. { $version }). The old card no longer works. The new card is on its way…
qr-reissue-stale = This card was already replaced. Nothing changed.
qr-cancelled = Cancelled. Nothing changed.

## questions
q-cmd-ask = Ask your child's teacher a question
q-cmd-questions = Questions and answers
q-cmd-quiet = Quiet hours for parents' questions
q-cmd-teaches = Who teaches which class
q-help-parent = /ask — write to your child's homeroom or subject teacher (text, voice message or photo); /questions — your questions and the answers.
q-help-teacher = /questions — parents' questions waiting for your answer; tap «↩️ Reply» under a question to answer by text or voice. /quiet 20:00 06:30 — questions wait until morning unless urgent.
q-help-principal = /questions — open questions across the school, how long they have waited, and each teacher's response times; /questions within 24 — hours before an unanswered question comes to you; /teaches 7A — the teachers parents of a class may write to.
q-help-operator = /teaches 7A STAFF-CODE Mathematics — record a subject teacher of a class (parents may then write to them); /teaches 7A lists them; /teaches remove 7A STAFF-CODE.
q-menu-ask = ❓ Ask a teacher
q-menu-questions = 💬 Questions
q-dur-minutes = { $m } min
q-dur-hours = { $h } h { $m } min
q-dur-days = { $d } days { $h } h
q-copy-question = ❓ A question from the guardian of { $child }, class { $class }
q-copy-followup = ❓ The guardian of { $child }, class { $class }, writes again
q-copy-urgent = 🔴 Urgent
q-copy-from = From: { $name }
q-copy-answer = 💬 Answer from { $teacher } about { $child }
q-button-reply = ↩️ Reply
q-button-history = 🗂 History
q-button-write-back = ↩️ Write back
q-button-open = 🗂 Open the question
q-history-title = 🗂 { $child }, class { $class } — { $teacher }
q-history-open = Waiting for the teacher's answer.
q-history-answered = Answered.
q-history-parent = 👪 Guardian
q-history-staff = 👩‍🏫 Teacher
q-history-voice = voice message { $n }
q-history-photo = photo { $n }
q-history-earlier = … { $count } earlier messages are not shown.
q-escalation = ⏰ A parent's question has waited { $waited } without an answer.
    Child: { $child }, class { $class }
    Asked: { $teacher }, since { $since }
q-bad-empty = The message is empty. Please write your question, or send a voice message or a photo.
q-bad-too-long = The message is too long: at most { $max } characters. Please shorten it or send it in parts.
q-bad-caption-too-long = The text under the photo or voice message is too long: at most { $max } characters.
q-bad-too-big = The file is too large: at most { $max } MB.
q-bad-voice-too-long = The voice message is too long: at most { $max } minutes.
q-bad-unsupported = This kind of message cannot be passed on. Please send text, a voice message or a photo.
q-bad-no-photo = Please answer with text or a voice message.
q-rate-hour = You have sent { $limit } questions in the last hour. Please wait a while before sending more.
q-rate-day = You have sent { $limit } questions today. Please wait until tomorrow, or contact the school office if it is urgent.
q-denied-not-your-child = You can only ask about your own children.
q-denied-not-their-teacher = This teacher does not teach your child. Please choose again with /ask.
q-denied-not-your-thread = This conversation is not yours.
q-denied-not-addressed = This question is not addressed to you.
q-denied-not-found = This question no longer exists.
q-denied-not-allowed = You may not read this conversation.
q-denied-not-a-parent = Only guardians linked to a child can ask questions here.
q-denied-no-role = Questions are for guardians, teachers and principals linked to a school.
q-denied-office-only = Only the principal or the school office can do this.
q-denied-staff-only = Quiet hours are for school staff.
q-denied-principal-only = Only the principal can change this.
q-parent-gone = This guardian is no longer linked to the child, so the answer was not sent.
q-urgent-off = ⚪ Not urgent
q-urgent-on = 🔴 Urgent
q-urgent-set = Marked urgent: it will reach the teacher at once, even in their quiet hours.
q-urgent-unset = No longer urgent.
q-cancel = Cancel
q-cancelled = Cancelled. Nothing was sent.
q-compose-prompt = ✍️ Write your question to { $teacher } about { $child }: a text, a voice message or a photo.
    Tap «Urgent» first if it cannot wait.
q-sent = ✅ Sent to { $teacher }. You will get the answer here.
q-sent-later = ✅ Saved. { $teacher } does not take questions at this hour: it reaches them at { $time }. Mark a question urgent if it cannot wait.
q-answer-prompt = ✍️ Write your answer about { $child } (class { $class }): a text or a voice message. Only this guardian will receive it.
q-answer-sent = ✅ Your answer about { $child } was sent to the guardian.
q-no-teachers = No teacher of { $child } uses this bot yet. Please contact the school office.
q-no-children = None of your linked children is enrolled at the moment. Please contact the school.
q-homeroom = homeroom teacher
q-subject-teacher = subject teacher
q-choose-teacher = Who would you like to write to about { $child }?
q-choose-child = Which child is your question about?
q-list-waiting = waiting { $waited }
q-list-open = waiting
q-list-answered = answered
q-school-title = 💬 Open questions: { $open } (past { $hours } h: { $overdue })
q-school-teachers = Teachers (answers in the last 30 days):
q-school-teacher = • { $teacher }: open { $open }, overdue { $overdue } · answered { $answered } · average { $average } · median { $median }
q-mine-none = No parent's question is waiting for you.
q-mine-title = 💬 Questions waiting for your answer: { $count }
q-parent-none = You have not asked any question yet. Tap /ask to write to a teacher.
q-parent-title = 💬 Your questions:
q-within-usage = How to use: /questions within HOURS (1–168), e.g. /questions within 24
q-within-set = ✅ A question not answered within { $hours } hours of reaching the teacher will come to the principal.
q-quiet-current = 🌙 Your quiet hours: { $from }–{ $to }. Parents' questions that are not urgent wait until { $to }. /quiet off removes them.
q-quiet-none = You have no quiet hours: questions reach you at once. To set them: /quiet 20:00 06:30
q-quiet-off = ✅ Quiet hours removed: questions reach you at once.
q-quiet-usage = How to use: /quiet 20:00 06:30 (from, until, school time) · /quiet off · /quiet
q-quiet-set = ✅ Quiet hours { $from }–{ $to }: questions that are not urgent wait until { $to }.
q-teaches-unknown-class = There is no such class at your school this year.
q-teaches-unknown-staff = No active staff member with that code at your school.
q-teaches-removed = ✅ Removed from class { $class }.
q-teaches-not-there = This person was not recorded as a teacher of class { $class }.
q-teaches-list = Teachers of class { $class }:
q-teaches-not-linked = not on Telegram yet
q-teaches-empty = No teacher recorded yet.
q-teaches-added = ✅ { $name } teaches class { $class }: its parents can now write to them.
q-teaches-usage = How to use: /teaches 7A STAFF-CODE [subject] · /teaches 7A · /teaches remove 7A STAFF-CODE

## announcements
ann-cmd = Send an announcement
ann-menu = 📢 Announcement
ann-help = 📢 /announce — send a text, photo, voice message, video or document to the whole school, some grades or classes, staff only or parents only (teachers: to their own classes). Nothing goes out before you confirm the preview, and you get a delivery report. A class's Telegram group: add the bot to the group and send /linkgroup 7A there (the bot's greeting in the group shows the exact command); that class's announcements can then go to the group as one message.
ann-header = 📢 Announcement · { $school } — { $author }
ann-header-urgent = 🚨 URGENT · { $school } — { $author }
ann-denied-forbidden = Only principals, operators and teachers can send announcements.
ann-denied-no-classes = You have no class of your own yet. Teachers announce only to the classes they are homeroom teacher of.
ann-denied-class = That is not one of your classes. Nothing was changed.
ann-button-quit = ✖️ Stop
ann-flow-stopped = Stopped. Nothing was sent.
ann-use-buttons = Please use the buttons above.
ann-button-done = ✔️ Done
ann-pick-one = Choose at least one.
ann-unknown-choice = Not found: { $names }. Choose with the buttons or type the names again.
ann-ask-content = 📢 Send the announcement here: a text, a photo with a caption, a voice message, a video or a document.
ann-ask-content-short = Send the announcement as a message.
ann-bad-unsupported = This kind of message cannot be announced (stickers, GIFs, music, round videos…). Send a text, photo, voice message, video or document.
ann-bad-empty = The message is empty. Please write something.
ann-bad-too-big = The file is too big: photos at most 10 MB, voice messages, videos and documents at most 50 MB.
ann-bad-text-too-long = The text is too long: { $length } characters, at most { $limit }. Shorten it or split it in two.
ann-bad-caption-too-long = The caption is too long: { $length } characters, at most { $limit }. Shorten it, or send the text as its own announcement.
ann-bad-audience = You may not send to these recipients. Nothing was sent.
ann-bad-no-recipients = Nobody would receive it: no one in this audience has linked Telegram yet. Nothing was sent.
ann-bad-bad-time = That time is not valid. Nothing was sent.
ann-ask-audience = Who should receive it?
ann-aud-school = 🏫 The whole school (parents and staff)
ann-aud-staff = 👩‍🏫 Staff only
ann-aud-parents = 👪 All parents
ann-aud-grades = Parents of grades { $grades }
ann-aud-classes = Parents of classes { $classes }
ann-button-grades = 🔢 By grade
ann-button-classes = 🏷 By class
ann-ask-grades = Choose the grades, then press Done.
ann-ask-classes = Choose the classes (or type their names, e.g. 7A 7B), then press Done.
ann-ask-classes-typed = Type the class names separated by spaces, e.g. 7A 7B 12A.
ann-ask-groups = Classes { $classes } have a Telegram group. Send to the groups (one message per group) or to each parent?
ann-button-groups = 👥 To the class groups
ann-button-each-parent = 👤 To each parent
ann-ask-when = When should it go?
ann-button-now = ⚡ Now
ann-button-later = 🕒 Later
ann-ask-time = Type the time: 16:30 (today), tomorrow 7:00, or 2026-11-30 07:00.
ann-ask-time-short = Type the time.
ann-time-bad = I could not read that time. Examples: 16:30, tomorrow 7:00, 2026-11-30 07:00.
ann-time-past = That time has passed. Choose a time ahead.
ann-time-too-far = Too far ahead: at most 60 days.
ann-preview-title = 📢 Preview: above is the announcement as recipients will see it.
ann-preview-to = To: { $audience }
ann-preview-count = Recipients: { $count }
ann-preview-count-groups = Recipients: { $count } ({ $groups } class groups, { $people } people)
ann-preview-when = When: { $when }
ann-when-now = as soon as you confirm
ann-preview-urgent = 🚨 Urgent: goes before other messages, with sound.
ann-preview-silent = 🔕 Outside school hours: it arrives without a sound.
ann-preview-confirm = Nothing is sent until you press Send.
ann-button-send = ✅ Send
ann-button-urgent = 🚨 Mark urgent
ann-button-not-urgent = ↩️ Not urgent
ann-button-discard = 🗑 Discard
ann-button-cancel = ✖️ Cancel sending
ann-sent-short = Accepted
ann-sending = ✅ Sending to { $count } recipients. You will get a report when it is done.
ann-scheduled = 🕒 Scheduled for { $when }, to { $count } recipients. You can cancel it until then.
ann-discarded = Draft discarded. Nothing was sent.
ann-not-yours = This announcement is not yours.
ann-not-draft = This announcement was already sent or discarded.
ann-refused-expired = This preview is too old (over 24 hours). Start again with /announce.
ann-refused-time-passed = The time you chose has passed. Start again with /announce.
ann-refused-audience = You may no longer send to these recipients. Nothing was sent.
ann-refused-no-recipients = { ann-bad-no-recipients }
ann-cancel-too-late = Too late: everything has already gone out.
ann-cancelled = ✖️ Cancelled. { $count } messages were not sent.
ann-cancelled-partly = ✖️ Cancelled: { $cancelled } messages were not sent; { $gone } had already gone out (you will get a report).
ann-group-only-in-group = Send this inside the class's Telegram group: add @{ $bot } to the group and send /linkgroup@{ $bot } 7A there.
ann-group-as-yourself = Please send this command as yourself, not as an anonymous admin.
ann-group-linked = ✅ This group is now linked to class { $class }. Announcements for { $class } can come here as one message.
ann-group-not-staff = Only a teacher of the class or the school office can link this group.
ann-group-which-class = Which class is this group for? Send /linkgroup@{ $bot } 7A.
ann-group-unknown-class = There is no class { $class }.
ann-group-not-your-class = Class { $class } is not yours: only its homeroom teacher or the school office can link it.
ann-group-taken = This group is already linked to class { $class }. Send /unlinkgroup first.
ann-group-unlinked = This group is no longer linked to class { $class }.
ann-group-unlink-not-linked = This group is not linked to a class.
ann-group-unlink-forbidden = Only the class's teacher or the school office can unlink this group.
ann-group-hello = Hello! I am the school's bot. Homeroom teacher: send /linkgroup@{ $bot } 7A (with your class) so the class's announcements come to this group.
ann-report-title = 📊 Delivery report: { $what }
ann-report-totals = ✅ Delivered { $delivered } · 🚫 Unreachable { $unreachable } · ⚠️ Failed { $failed }
ann-report-cancelled = ✖️ Cancelled before sending: { $count }
ann-report-class = { $class }: ✅ { $delivered } · 🚫 { $unreachable } · ⚠️ { $failed }
ann-report-class-group = { $class }: 👥 class group — { $state }
ann-report-group-delivered = delivered
ann-report-group-unreachable = unreachable (the bot is no longer in the group)
ann-report-group-failed = failed
ann-report-group-cancelled = cancelled
ann-report-more = …and { $count } more classes, counted in the totals above
ann-report-staff = Staff: ✅ { $delivered } · 🚫 { $unreachable } · ⚠️ { $failed }
ann-report-unreachable-hint = 🚫 Unreachable: these people blocked the bot or deleted their account; they get messages again once they write to the bot.
ann-kind-text = Message
ann-kind-photo = Photo
ann-kind-voice = Voice message
ann-kind-video = Video
ann-kind-document = Document
