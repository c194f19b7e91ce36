# Khmer texts. Keys must match en.ftl (a test checks).

# commands (the lists each chat sees)
cmd-start = ចាប់ផ្តើម
cmd-menu = ម៉ឺនុយដើម
cmd-whoami = ខ្ញុំជានរណា និងភ្ជាប់ជាមួយអ្នកណា
cmd-language = ប្តូរភាសា
cmd-help = ជំនួយ
cmd-unlink = ផ្តាច់គណនីពីសាលា ឬពីកូន
cmd-invite = បង្កើតតំណអញ្ជើញ

# errors
error-generic = សូមអភ័យទោស មានបញ្ហាមួយបានកើតឡើង។ សូមព្យាយាមម្តងទៀតបន្តិចទៀត។
error-too-fast = អ្នកចុចលឿនពេក។ សូមរង់ចាំមួយភ្លែត។
error-unknown-command = មិនស្គាល់ពាក្យបញ្ជានេះទេ។ សូមចុច /help ដើម្បីមើលអ្វីដែលអ្នកអាចធ្វើបាន។
error-not-understood = ខ្ញុំមិនយល់សារនេះទេ។ សូមចុច /menu ឬ /help។

# menus
menu-outdated = ប៊ូតុងនេះហួសសម័យហើយ។ សូមប្រើម៉ឺនុយថ្មី (/menu)។
menu-whoami = 👤 ខ្ញុំជានរណា
menu-language = 🌐 ភាសា
menu-code = 🔑 ខ្ញុំមានលេខកូដអញ្ជើញ
menu-help = ❓ ជំនួយ
home-title = ម៉ឺនុយដើម។ តើអ្នកចង់ធ្វើអ្វី?
home-welcome-back = សូមស្វាគមន៍ការត្រឡប់មកវិញ! តើអ្នកចង់ធ្វើអ្វី?
home-not-linked = គណនីរបស់អ្នកមិនទាន់បានភ្ជាប់ជាមួយសាលាទេ។ សូមចុច /start ដើម្បីចែករំលែកលេខទូរស័ព្ទ ឬប្រើលេខកូដអញ្ជើញ។

# language
language-choose = សូមជ្រើសរើសភាសា / Choose your language:
language-set = បានប្តូរទៅភាសាខ្មែរ

# onboarding
onboarding-greeting = សួស្តី! 👋 នេះជាប្រព័ន្ធព័ត៌មានសាលារៀន។ លោកអ្នកនឹងទទួលបានដំណឹងអំពីវត្តមានកូន និងព័ត៌មានពីសាលា នៅទីនេះ។
    English? Tap the button below.
onboarding-share-prompt = ដើម្បីភ្ជាប់ទៅសាលា សូមចុចប៊ូតុង «📱 ចែករំលែកលេខទូរស័ព្ទ» នៅខាងក្រោម។ យើងនឹងរកលេខនេះក្នុងបញ្ជីឈ្មោះរបស់សាលា។
onboarding-share-button = 📱 ចែករំលែកលេខទូរស័ព្ទ
onboarding-linked = ✅ បានភ្ជាប់រួចរាល់!
onboarding-not-found = រកមិនឃើញលេខទូរស័ព្ទរបស់អ្នកក្នុងបញ្ជីឈ្មោះសាលាទេ។
    • សូមសុំលេខកូដអញ្ជើញពីគ្រូបន្ទុកថ្នាក់ ឬការិយាល័យសាលា រួចចុចប៊ូតុងខាងក្រោម ឬបើកតំណដែលគេផ្ញើឱ្យ។
    • ឬសុំឱ្យសាលាកែលេខទូរស័ព្ទរបស់អ្នកក្នុងបញ្ជី រួចចុច /start ម្តងទៀត។
onboarding-not-own-contact = សូមចែករំលែកលេខទូរស័ព្ទរបស់អ្នកផ្ទាល់ ដោយចុចប៊ូតុងខាងក្រោម (មិនមែនលេខអ្នកផ្សេងទេ)។
onboarding-bad-phone = លេខទូរស័ព្ទនេះមិនត្រឹមត្រូវទេ។ សូមចុចប៊ូតុងខាងក្រោមម្តងទៀត។
onboarding-not-cambodian = អាចភ្ជាប់បានតែលេខទូរស័ព្ទកម្ពុជា (+855) ប៉ុណ្ណោះ។ បើសាលាមិនមានលេខរបស់អ្នក សូមសុំលេខកូដអញ្ជើញពីសាលា។

# who am I
whoami-title = 👤 គណនីរបស់អ្នក៖
whoami-staff = 🏫 { $school } — { $roles }
whoami-homeroom =     គ្រូបន្ទុកថ្នាក់៖ { $classes }
whoami-parent = 👨‍👩‍👧 អាណាព្យាបាលនៅ { $school }៖
whoami-child =     • { $name } — ថ្នាក់ { $class }
whoami-nobody = គណនីរបស់អ្នកមិនទាន់ភ្ជាប់ជាមួយសាលា ឬសិស្សណាមួយទេ។ សូមចុច /start ដើម្បីភ្ជាប់។
role-principal = នាយកសាលា
role-operator = អ្នកគ្រប់គ្រងទិន្នន័យ
role-teacher = គ្រូ
role-parent = អាណាព្យាបាល
role-none = គ្មានតួនាទី

# help
help-intro = ℹ️ ជំនួយ
help-not-linked = អ្នកមិនទាន់បានភ្ជាប់ទេ។ ចុច /start ហើយចែករំលែកលេខទូរស័ព្ទ ឬវាយលេខកូដអញ្ជើញដែលសាលាផ្តល់ឱ្យ (/code)។
help-principal = នាយកសាលា៖ /invite teacher ឬ /invite operator ដើម្បីអញ្ជើញបុគ្គលិក, /invite parent លេខកូដសិស្ស ដើម្បីអញ្ជើញអាណាព្យាបាល។
help-operator = អ្នកគ្រប់គ្រងទិន្នន័យ៖ /invite teacher ដើម្បីអញ្ជើញគ្រូ, /invite parent លេខកូដសិស្ស ដើម្បីអញ្ជើញអាណាព្យាបាល។
help-teacher = គ្រូ៖ /invite parent លេខកូដសិស្ស ដើម្បីអញ្ជើញអាណាព្យាបាលរបស់សិស្សក្នុងថ្នាក់អ្នក។
help-parent = អាណាព្យាបាល៖ អ្នកនឹងទទួលដំណឹងពីសាលាអំពីកូនរបស់អ្នកនៅទីនេះ។ /whoami បង្ហាញកូនដែលភ្ជាប់។
help-common = /menu ម៉ឺនុយដើម · /whoami គណនីរបស់ខ្ញុំ · /language ភាសា · /unlink ផ្តាច់

# invites
invite-ask-code = សូមវាយ ឬបិទភ្ជាប់លេខកូដអញ្ជើញដែលសាលាបានផ្តល់ឱ្យ (ចាប់ផ្តើមដោយអក្សរ i)។ ចុច /cancel ដើម្បីបោះបង់។
invite-ask-code-text = សូមផ្ញើលេខកូដជាអក្សរ។
invite-ok-parent = ✅ បានភ្ជាប់ជាមួយកូនរបស់អ្នករួចរាល់។ អ្នកនឹងទទួលដំណឹងពីសាលានៅទីនេះ។
invite-ok-staff = ✅ បានភ្ជាប់ជាបុគ្គលិកសាលារួចរាល់។ ចុច /menu ដើម្បីចាប់ផ្តើម។
invite-invalid = លេខកូដអញ្ជើញនេះមិនត្រឹមត្រូវទេ។ សូមពិនិត្យលេខកូដម្តងទៀត ឬសុំលេខកូដថ្មីពីសាលា។
invite-expired = លេខកូដអញ្ជើញនេះផុតកំណត់ហើយ។ សូមសុំលេខកូដថ្មីពីសាលា។
invite-used = លេខកូដអញ្ជើញនេះត្រូវបានប្រើរួចហើយ។ លេខកូដនីមួយៗប្រើបានតែម្តង។ សូមសុំលេខកូដថ្មីពីសាលា។
invite-revoked = លេខកូដអញ្ជើញនេះត្រូវបានលុបចោលដោយសាលា។ សូមសុំលេខកូដថ្មី។
invite-try-again = សូមព្យាយាមម្តងទៀត ឬចុច /cancel។
invite-give-up = នៅតែមិនត្រឹមត្រូវ។ សូមទាក់ទងសាលាដើម្បីសុំលេខកូដថ្មី។
invite-usage = របៀបប្រើ៖ /invite teacher · /invite operator · /invite principal · /invite parent លេខកូដសិស្ស
invite-denied-forbidden = អ្នកមិនមានសិទ្ធិបង្កើតការអញ្ជើញនេះទេ។
invite-denied-unknown-student = រកមិនឃើញសិស្សដែលមានលេខកូដនេះនៅសាលារបស់អ្នកទេ។
invite-created = ការអញ្ជើញសម្រាប់ { $role }៖
    { $link }
    លេខកូដ៖ { $code }
    ប្រើបានតែម្តង រហូតដល់ថ្ងៃ { $until }។

# unlinking
unlink-choose = តើអ្នកចង់ផ្តាច់អ្វី?
unlink-staff = 🏫 បុគ្គលិកនៅ { $school }
unlink-parent = 👨‍👩‍👧 កូន { $count } នាក់នៅ { $school }
unlink-all = ផ្តាច់ទាំងអស់
unlink-confirm = ពិតជាចង់ផ្តាច់មែនទេ? អ្នកនឹងលែងទទួលដំណឹងពីសាលាសម្រាប់ការនេះ។
unlink-done = ✅ បានផ្តាច់រួចរាល់។ ចុច /start ដើម្បីភ្ជាប់ម្តងទៀតនៅពេលណាក៏បាន។
unlink-nothing = គ្មានអ្វីត្រូវផ្តាច់ទេ (ប្រហែលជាបានផ្តាច់រួចហើយ)។
unlink-cancelled = បានបោះបង់។
button-cancel = បោះបង់
button-yes-unlink = បាទ/ចាស ផ្តាច់


# roster errors
roster-err-unreadable-file = មិនអាចអានឯកសារនេះបានទេ។ សូមផ្ញើឯកសារ Excel (.xlsx) ឬឯកសារ CSV ដែលរក្សាទុកជា UTF-8។
roster-err-empty-file = ឯកសារនេះគ្មានទិន្នន័យទេ។ សូមបំពេញទិន្នន័យនៅក្រោមជួរចំណងជើង រួចផ្ញើម្តងទៀត។
roster-err-missing-column = ជួរចំណងជើងខ្វះជួរឈរ “{ $column }”។ សូមបន្ថែមជួរឈរនេះ រួចផ្ញើឯកសារម្តងទៀត។
roster-err-too-many-rows = ឯកសារនេះមាន { $value } ជួរ ប៉ុន្តែអាចនាំចូលបានយ៉ាងច្រើនតែ ៥០ ០០០ ជួរក្នុងមួយលើក។ សូមបំបែកវាជាឯកសារតូចៗ។
roster-err-too-many-errors = មានកំហុសច្រើនពេក (សរុប { $value }) ដូច្នេះបង្ហាញតែ ២០០ កំហុសដំបូងប៉ុណ្ណោះ។ សូមកែកំហុសទាំងនេះ រួចផ្ញើឯកសារម្តងទៀត។
roster-err-required = ជួរទី { $row }: “{ $column }” នៅទទេ។ សូមបំពេញព័ត៌មាននេះ។
roster-err-bad-class = ជួរទី { $row }: ថ្នាក់ “{ $value }” មិនត្រឹមត្រូវទេ។ សូមសរសេរលេខថ្នាក់ (១ ដល់ ១២) បន្តដោយអក្សរថ្នាក់ ឧទាហរណ៍ 7A ឬ 12B។
roster-err-bad-shift = ជួរទី { $row }: វេន “{ $value }” មិនត្រឹមត្រូវទេ។ សូមសរសេរ ព្រឹក ឬ រសៀល (morning ឬ afternoon)។
roster-err-bad-code = ជួរទី { $row }: លេខកូដ “{ $value }” មិនត្រឹមត្រូវទេ។ សូមប្រើតែអក្សរឡាតាំង លេខ ឬសញ្ញា - _ . / មិនឱ្យលើសពី ៤០ តួ។
roster-err-duplicate-code = ជួរទី { $row }: លេខកូដ { $value } មានរួចហើយនៅក្នុងឯកសារនេះ។ លេខកូដនីមួយៗត្រូវតែខុសគ្នា។
roster-err-bad-sex = ជួរទី { $row }: ភេទ “{ $value }” មិនត្រឹមត្រូវទេ។ សូមសរសេរ ប្រុស ឬ ស្រី (M ឬ F)។
roster-err-bad-date = ជួរទី { $row }: ថ្ងៃខែឆ្នាំ “{ $value }” មិនត្រឹមត្រូវ ឬមិនស្ថិតនៅចន្លោះឆ្នាំ ១៩៩០ និងថ្ងៃនេះទេ។ សូមសរសេរជា ឆ្នាំ-ខែ-ថ្ងៃ (ឧ. 2015-03-27) ឬ ថ្ងៃ/ខែ/ឆ្នាំ (ឧ. 27/03/2015)។
roster-err-bad-phone = ជួរទី { $row }: “{ $value }” ក្នុងជួរឈរ { $column } មិនមែនជាលេខទូរស័ព្ទទេ។ សូមសរសេរដូចជា 012 345 678។
roster-err-not-cambodian-phone = ជួរទី { $row }: “{ $value }” ក្នុងជួរឈរ { $column } មិនមែនជាលេខទូរស័ព្ទកម្ពុជាទេ។ អាចប្រើបានតែលេខកម្ពុជា (+855) ប៉ុណ្ណោះ។
roster-err-class-shift-conflict = ជួរទី { $row }: ថ្នាក់ { $value } មានវេនផ្សេងរួចហើយ។ ថ្នាក់មួយអាចរៀនបានតែមួយវេនប៉ុណ្ណោះ។
roster-err-bad-role = ជួរទី { $row }: មិនស្គាល់តួនាទី “{ $value }” ទេ។ សូមប្រើ principal (នាយក), operator (អ្នកគ្រប់គ្រងទិន្នន័យ) ឬ teacher (គ្រូ)។
roster-err-duplicate-phone = ជួរទី { $row }: លេខទូរស័ព្ទ { $value } ត្រូវបានប្រើដោយបុគ្គលិកម្នាក់ទៀតរួចហើយ។ បុគ្គលិកម្នាក់ៗត្រូវមានលេខផ្ទាល់ខ្លួន។
roster-err-unknown-class = ជួរទី { $row }: មិនមានថ្នាក់ { $value } នៅសាលានេះទេ។ សូមនាំចូលបញ្ជីសិស្សជាមុនសិន ឬកែឈ្មោះថ្នាក់។
roster-err-duplicate-homeroom = ជួរទី { $row }: ថ្នាក់ { $value } មានគ្រូបន្ទុកថ្នាក់ម្នាក់ទៀតរួចហើយក្នុងឯកសារនេះ។
onboarding-linked-later = ✅ សាលា { $school } បានបញ្ចូលលេខទូរស័ព្ទរបស់អ្នកហើយ។ គណនីរបស់អ្នកត្រូវបានភ្ជាប់។ ចុច /whoami ដើម្បីមើល។
