// Russian and English. The language is the choice made in this browser (localStorage), else the
// one the user made in another browser (the "ui.lang" option, applied by main.jsx after boot),
// else what the browser prefers among the two (the server puts it in <meta name="voronka-lang">,
// the same rule as the sign-in page: Russian unless the browser prefers English).
import { session } from './api.js';

const KEY = 'voronka.lang';

const ru = {
  app: 'Воронка',
  'menu.lead': 'Лиды', 'menu.deal': 'Сделки', 'menu.contact': 'Контакты', 'menu.company': 'Компании',
  'menu.funnel': 'Воронки', 'menu.settings': 'Настройки', 'menu.nav': 'Разделы CRM',
  'type.lead': 'Лид', 'type.deal': 'Сделка', 'type.contact': 'Контакт', 'type.company': 'Компания',
  'new.lead': 'Новый лид', 'new.deal': 'Новая сделка', 'new.contact': 'Новый контакт', 'new.company': 'Новая компания',
  'search.placeholder': 'Поиск по CRM', 'search.none': 'Ничего не найдено', 'search.hint': 'Нажмите / для поиска',
  'user.menu': 'Меню пользователя', 'user.lang': 'Язык', 'user.logout': 'Выйти', 'user.admin': 'администратор',
  'live.on': 'Изменения приходят сразу', 'live.off': 'Нет связи с сервером: изменения других не видны',
  'bell': 'Уведомления', 'bell.empty': 'Уведомлений нет', 'bell.readAll': 'Прочитать все',
  'bell.labelN': 'Уведомления: непрочитанных {n}', 'bell.unread': 'не прочитано', 'bell.now': 'только что',
  'bell.new': 'Новое уведомление: {text}', 'bell.newN': 'Новых уведомлений: {n}', 'bell.system': 'Система',
  'bell.ev.mention': 'упомянул(а) вас в комментарии', 'bell.ev.changeAssignedBy': 'назначил(а) вас ответственным',
  'bell.ev.changeStage': 'перевёл(а) на стадию «{stage}»', 'bell.ev.activity': 'поручил(а) вам дело «{subject}»',
  'bell.ev.activity0': 'поручил(а) вам дело',
  'view.kanban': 'Канбан', 'view.list': 'Список', 'pipeline': 'Воронка',
  'kanban.add': 'Быстрое добавление', 'kanban.title': 'Название', 'kanban.amount': 'Сумма', 'kanban.save': 'Сохранить',
  'kanban.empty': 'Пусто', 'kanban.more': 'Загрузка…', 'kanban.moveHint': 'Стрелки — к соседней карточке, Alt+← / Alt+→ — переместить на соседнюю стадию, Enter — открыть',
  'skip': 'Перейти к содержимому', 'uf.actions': 'Действия',
  'confirm.final': 'Перевести «{title}» в стадию «{stage}»? Это завершающая стадия.',
  'confirm.finalTitle': 'Завершить?', 'confirm.ok': 'Да', 'confirm.cancel': 'Отмена', 'confirm.delete': 'Удалить',
  'moved': 'Перемещено в «{stage}»', 'saved': 'Сохранено', 'deleted': 'Удалено', 'added': 'Добавлено',
  'error': 'Ошибка', 'loading': 'Загрузка…', 'close': 'Закрыть', 'edit': 'Изменить', 'cancel': 'Отмена', 'save': 'Сохранить',
  'add': 'Добавить', 'delete': 'Удалить', 'none': 'не заполнено', 'yes': 'да', 'no': 'нет', 'create': 'Создать',
  'list.filter': 'Фильтр', 'list.search': 'Поиск', 'list.apply': 'Найти', 'list.reset': 'Сбросить',
  'list.stage': 'Стадия', 'list.responsible': 'Ответственный', 'list.any': 'любой', 'list.createdFrom': 'Создан с',
  'list.createdTo': 'по', 'list.amountFrom': 'Сумма от', 'list.amountTo': 'до',
  'list.presets': 'Сохранённые фильтры', 'list.savePreset': 'Сохранить фильтр', 'list.presetName': 'Название фильтра',
  'list.columns': 'Столбцы', 'list.selected': 'Выбрано: {n}', 'list.selectAll': 'Выбрать все на странице',
  'list.select': 'Выбрать', 'list.bulk.assign': 'Сменить ответственного', 'list.bulk.stage': 'Сменить стадию', 'list.bulk.apply': 'Применить',
  'list.bulk.delete': 'Удалить', 'list.bulk.confirmDelete': 'Удалить выбранные элементы ({n})?',
  'list.total': '{from}–{to} из {total}', 'list.prev': 'Назад', 'list.next': 'Вперёд', 'list.empty': 'Ничего не найдено',
  'list.export': 'Экспорт', 'list.import': 'Импорт', 'list.done': 'Готово: {n}', 'list.failedN': 'Не удалось: {n}',
  'import.title': 'Импорт из CSV', 'import.file': 'Файл CSV', 'import.mapping': 'Соответствие столбцов и полей',
  'import.skip': 'не загружать', 'import.start': 'Загрузить', 'import.progress': 'Загружено {done} из {total}',
  'import.result': 'Добавлено: {added}, ошибок: {failed}', 'import.row': 'строка {row}',
  'card.general': 'Общие', 'card.products': 'Товары', 'card.history': 'История', 'card.relations': 'Связи',
  'card.about': 'О сделке', 'card.about.lead': 'О лиде', 'card.about.contact': 'О контакте', 'card.about.company': 'О компании',
  'card.client': 'Клиент', 'card.custom': 'Пользовательские поля', 'card.more': 'Дополнительно', 'card.convert': 'Конвертировать', 'card.open': 'Открыть',
  'card.notFound': 'Элемент не найден или удалён', 'card.delete': 'Удалить', 'card.confirmDelete': 'Удалить «{title}»?',
  'card.created': 'Создан {date}', 'card.add': 'Добавить значение', 'card.changedElsewhere': 'Карточку изменил другой пользователь — данные обновлены',
  'convert.title': 'Конвертация лида', 'convert.contact': 'Контакт', 'convert.company': 'Компания', 'convert.deal': 'Сделка',
  'convert.go': 'Конвертировать', 'convert.done': 'Лид сконвертирован',
  'tl.comment': 'Комментарий', 'tl.activity': 'Дело', 'tl.placeholder': 'Напишите комментарий… (@ — упомянуть коллегу)',
  'tl.send': 'Отправить', 'tl.bold': 'Жирный', 'tl.italic': 'Курсив', 'tl.list': 'Список', 'tl.pin': 'Закрепить',
  'tl.unpin': 'Открепить', 'tl.pinned': 'Закреплено', 'tl.subject': 'Тема', 'tl.deadline': 'Срок', 'tl.type': 'Тип',
  'tl.done': 'Выполнено', 'tl.empty': 'Здесь появятся комментарии и дела', 'tl.more': 'Показать ещё',
  'tl.attach': 'Прикрепить файл', 'tl.files': 'Файлы',
  'act.1': 'Встреча', 'act.2': 'Звонок', 'act.3': 'Задача', 'act.4': 'Письмо', 'act.6': 'Дело',
  'hist.when': 'Когда', 'hist.who': 'Кто', 'hist.what': 'Что', 'hist.from': 'Было', 'hist.to': 'Стало',
  'hist.1': 'Создан', 'hist.2': 'Изменено поле', 'hist.3': 'Удалён', 'hist.4': 'Сконвертирован', 'hist.empty': 'Изменений нет',
  'prod.name': 'Товар', 'prod.price': 'Цена', 'prod.qty': 'Кол-во', 'prod.discount': 'Скидка, %', 'prod.tax': 'Налог, %',
  'prod.sum': 'Сумма', 'prod.total': 'Итого', 'prod.addRow': 'Добавить товар', 'prod.empty': 'Товаров нет',
  'prod.catalog': 'из каталога…',
  'rel.contacts': 'Контакты', 'rel.companies': 'Компании', 'rel.deals': 'Сделки', 'rel.leads': 'Лиды', 'rel.none': 'Нет связанных элементов',
  'rel.new.contact': 'Создать контакт', 'rel.new.company': 'Создать компанию', 'rel.created': 'Создано и привязано',
  'set.title': 'Настройки CRM', 'set.lists': 'Справочники', 'set.pipelines': 'Воронки и стадии', 'set.adminOnly': 'Настройки доступны только администратору',
  'set.addItem': 'Добавить', 'set.newItem': 'Новое значение', 'set.colour': 'Цвет', 'set.drag': 'Перетащите, чтобы изменить порядок (или Alt+↑/↓)',
  'set.system': 'системное', 'set.preview': 'Так будет выглядеть', 'set.sem.P': 'в работе', 'set.sem.S': 'успех', 'set.sem.F': 'провал',
  'set.semantics': 'Группа', 'set.confirmDelete': 'Удалить «{name}»?',
  'set.pipe.add': 'Добавить воронку', 'set.pipe.name': 'Название воронки', 'set.pipe.default': 'Основная',
  'set.pipe.defaultHint': 'Основную воронку нельзя удалить', 'set.pipe.stages': 'Стадии', 'set.pipe.deals': 'сделок: {n}',
  'set.pipe.confirmDelete': 'Удалить воронку «{name}» вместе с её стадиями?', 'set.rename': 'Переименовать',
  'funnel.title': 'Воронка продаж', 'funnel.classic': 'Классическая', 'funnel.conversion': 'Конверсионная',
  'funnel.stage': 'Стадия', 'funnel.count': 'Количество', 'funnel.sum': 'Сумма', 'funnel.share': 'Доля',
  'funnel.reached': 'Дошли', 'funnel.total': 'Всего', 'funnel.inWork': 'В работе', 'funnel.won': 'Успешные',
  'funnel.lost': 'Проваленные', 'funnel.conversionRate': 'Конверсия', 'funnel.compare': 'Сравнить воронки',
  'funnel.leads': 'Лиды', 'funnel.open': 'Открыть список элементов этой стадии',
  'set.fields': 'Пользовательские поля',
  'layout.edit': 'Настроить карточку', 'layout.hint': 'Перетащите раздел или поле за ⋮⋮ (или Alt+↑/↓ на нём); × скрывает поле.',
  'layout.untitled': 'Раздел без названия', 'layout.newSection': 'Новый раздел', 'layout.moveHint': 'Перетащите или нажмите Alt+↑/↓',
  'layout.sectionName': 'Название раздела', 'layout.deleteSection': 'Удалить раздел', 'layout.fieldName': 'Название поля',
  'layout.hide': 'Скрыть поле', 'layout.empty': 'Перетащите сюда поле', 'layout.addField': 'Добавить поле',
  'layout.standard': 'Стандартные поля', 'layout.addSection': 'Добавить раздел', 'layout.hidden': 'Скрытые поля',
  'layout.show': 'Вернуть', 'layout.saveAll': 'Сохранить для всех', 'layout.saveMe': 'Сохранить для себя',
  'layout.reset': 'Сбросить', 'layout.forceAll': 'и заменить личные настройки всех', 'layout.savedAll': 'Вид карточки сохранён для всех',
  'layout.savedMe': 'Вид карточки сохранён для вас', 'layout.resetAll': 'Вернуть карточке вид по умолчанию для всех пользователей?',
  'layout.resetMe': 'Удалить ваши настройки карточки? Будет показан общий вид.', 'layout.resetDone': 'Вид карточки сброшен',
  'uf.noValue': '(не выбрано)', 'uf.tooBig': 'Файл «{name}» больше допустимых {max}', 'uf.required': 'обязательное поле',
  'uf.requiredMsg': 'Заполните обязательное поле «{name}»', 'uf.from': 'от', 'uf.to': 'до', 'uf.entity': 'Тип элементов',
  'uf.add': 'Создать поле', 'uf.edit': 'Поле', 'uf.noRight': 'Создавать и менять поля может администратор или роль с правом изменять настройки',
  'uf.label': 'Название', 'uf.code': 'Код', 'uf.type': 'Тип', 'uf.flags': 'Свойства', 'uf.sort': 'Сортировка',
  'uf.none': 'Пользовательских полей пока нет', 'uf.mandatory': 'Обязательное', 'uf.multiple': 'Множественное',
  'uf.inFilter': 'В фильтре', 'uf.inList': 'В списке', 'uf.confirmDelete': 'Удалить поле «{name}» вместе со всеми его значениями?',
  'uf.fixed': 'не меняется после создания', 'uf.codeAuto': 'UF_CRM_… (создастся сам)', 'uf.labelRu': 'Название (русский)',
  'uf.labelEn': 'Название (английский)', 'uf.pipelines': 'Показывать в карточках воронок', 'uf.needLabel': 'Укажите название поля',
  'uf.needCrmType': 'Выберите хотя бы один тип элементов CRM', 'uf.default': 'Значение по умолчанию',
  'uf.date.NONE': 'нет', 'uf.date.NOW': 'текущая дата', 'uf.date.FIXED': 'дата',
  'uf.display': 'Вид', 'uf.display.LIST': 'список', 'uf.display.UI': 'список с поиском', 'uf.display.CHECKBOX': 'флажки',
  'uf.display.DIALOG': 'диалог', 'uf.display.RADIO': 'переключатели', 'uf.display.DROPDOWN': 'выпадающий список',
  'uf.rows': 'Строк в поле ввода', 'uf.precision': 'Знаков после запятой', 'uf.checkboxLabel': 'Подпись флажка',
  'uf.listHeight': 'Высота списка', 'uf.noValueCaption': 'Подпись пустого значения', 'uf.maxSize': 'Наибольший размер файла, байт (0 — любой)',
  'uf.extensions': 'Допустимые расширения', 'uf.crmTypes': 'Привязка к элементам', 'uf.statusList': 'Справочник',
  'uf.iblock': 'ID списка', 'uf.iblockNote': 'Универсальные списки появятся вместе с бизнес-процессами; пока ID хранится без проверки.',
  'uf.values': 'Значения списка', 'uf.value': 'Значение', 'uf.isDefault': 'по умолчанию', 'uf.addValue': 'Добавить значение',
  'uf.bulk': 'Несколько сразу', 'uf.bulkHint': 'Каждое значение с новой строки',
  'uft.string': 'Строка', 'uft.integer': 'Целое число', 'uft.double': 'Число', 'uft.boolean': 'Да/Нет', 'uft.enumeration': 'Список',
  'uft.datetime': 'Дата со временем', 'uft.date': 'Дата', 'uft.money': 'Деньги', 'uft.url': 'Ссылка', 'uft.address': 'Адрес',
  'uft.file': 'Файл', 'uft.employee': 'Привязка к сотруднику', 'uft.crm_status': 'Привязка к справочникам CRM',
  'uft.iblock_section': 'Привязка к разделам списков', 'uft.iblock_element': 'Привязка к элементам списков', 'uft.crm': 'Привязка к элементам CRM',
  'lang.ru': 'Русский', 'lang.en': 'English',
  'vt.WORK': 'рабочий', 'vt.MOBILE': 'мобильный', 'vt.HOME': 'домашний', 'vt.FAX': 'факс', 'vt.OTHER': 'другой',
  'f.ID': 'ID', 'f.TITLE': 'Название', 'f.NAME': 'Имя', 'f.SECOND_NAME': 'Отчество', 'f.LAST_NAME': 'Фамилия',
  'f.HONORIFIC': 'Обращение', 'f.BIRTHDATE': 'Дата рождения', 'f.COMPANY_TITLE': 'Название компании',
  'f.SOURCE_ID': 'Источник', 'f.SOURCE_DESCRIPTION': 'Дополнительно об источнике', 'f.STATUS_ID': 'Статус',
  'f.STATUS_DESCRIPTION': 'Дополнительно о статусе', 'f.POST': 'Должность', 'f.ADDRESS': 'Адрес', 'f.ADDRESS_CITY': 'Город',
  'f.CURRENCY_ID': 'Валюта', 'f.OPPORTUNITY': 'Сумма', 'f.COMPANY_ID': 'Компания', 'f.CONTACT_ID': 'Контакт',
  'f.CONTACT_IDS': 'Контакты', 'f.COMPANY_IDS': 'Компании', 'f.OPENED': 'Доступен для всех', 'f.COMMENTS': 'Комментарий',
  'f.ASSIGNED_BY_ID': 'Ответственный', 'f.CREATED_BY_ID': 'Кем создан', 'f.MODIFY_BY_ID': 'Кем изменён',
  'f.DATE_CREATE': 'Дата создания', 'f.DATE_MODIFY': 'Дата изменения', 'f.PHONE': 'Телефон', 'f.EMAIL': 'E-mail',
  'f.WEB': 'Сайт', 'f.IM': 'Мессенджер', 'f.TYPE_ID': 'Тип', 'f.STAGE_ID': 'Стадия', 'f.PROBABILITY': 'Вероятность, %',
  'f.BEGINDATE': 'Дата начала', 'f.CLOSEDATE': 'Дата завершения', 'f.COMPANY_TYPE': 'Тип компании',
  'f.INDUSTRY': 'Сфера деятельности', 'f.EMPLOYEES': 'Кол-во сотрудников', 'f.REVENUE': 'Годовой оборот',
  'f.BANKING_DETAILS': 'Банковские реквизиты', 'f.CATEGORY_ID': 'Воронка', 'f.CLOSED': 'Закрыта',
  'f.MOVED_TIME': 'Дата смены стадии', 'f.MOVED_BY_ID': 'Кем сменена стадия', 'f.LAST_ACTIVITY_TIME': 'Последняя активность',
  'f.IS_RETURN_CUSTOMER': 'Повторный', 'f.ADDITIONAL_INFO': 'Дополнительная информация',
};

const en = {
  app: 'Voronka',
  'menu.lead': 'Leads', 'menu.deal': 'Deals', 'menu.contact': 'Contacts', 'menu.company': 'Companies',
  'menu.funnel': 'Funnels', 'menu.settings': 'Settings', 'menu.nav': 'CRM sections',
  'type.lead': 'Lead', 'type.deal': 'Deal', 'type.contact': 'Contact', 'type.company': 'Company',
  'new.lead': 'New lead', 'new.deal': 'New deal', 'new.contact': 'New contact', 'new.company': 'New company',
  'search.placeholder': 'Search the CRM', 'search.none': 'Nothing found', 'search.hint': 'Press / to search',
  'user.menu': 'User menu', 'user.lang': 'Language', 'user.logout': 'Sign out', 'user.admin': 'administrator',
  'live.on': 'Changes arrive live', 'live.off': 'No connection to the server: others\u2019 changes are not shown',
  'bell': 'Notifications', 'bell.empty': 'No notifications', 'bell.readAll': 'Mark all read',
  'bell.labelN': 'Notifications: {n} unread', 'bell.unread': 'unread', 'bell.now': 'just now',
  'bell.new': 'New notification: {text}', 'bell.newN': 'New notifications: {n}', 'bell.system': 'System',
  'bell.ev.mention': 'mentioned you in a comment', 'bell.ev.changeAssignedBy': 'made you responsible',
  'bell.ev.changeStage': 'moved to the stage “{stage}”', 'bell.ev.activity': 'gave you the activity “{subject}”',
  'bell.ev.activity0': 'gave you an activity',
  'view.kanban': 'Kanban', 'view.list': 'List', 'pipeline': 'Pipeline',
  'kanban.add': 'Quick add', 'kanban.title': 'Title', 'kanban.amount': 'Amount', 'kanban.save': 'Save',
  'kanban.empty': 'Empty', 'kanban.more': 'Loading…', 'kanban.moveHint': 'Arrows go to the next card, Alt+← / Alt+→ moves it to the next stage, Enter opens it',
  'skip': 'Skip to content', 'uf.actions': 'Actions',
  'confirm.final': 'Move «{title}» to «{stage}»? This is a final stage.',
  'confirm.finalTitle': 'Close it?', 'confirm.ok': 'Yes', 'confirm.cancel': 'Cancel', 'confirm.delete': 'Delete',
  'moved': 'Moved to «{stage}»', 'saved': 'Saved', 'deleted': 'Deleted', 'added': 'Added',
  'error': 'Error', 'loading': 'Loading…', 'close': 'Close', 'edit': 'Edit', 'cancel': 'Cancel', 'save': 'Save',
  'add': 'Add', 'delete': 'Delete', 'none': 'empty', 'yes': 'yes', 'no': 'no', 'create': 'Create',
  'list.filter': 'Filter', 'list.search': 'Search', 'list.apply': 'Apply', 'list.reset': 'Reset',
  'list.stage': 'Stage', 'list.responsible': 'Responsible', 'list.any': 'any', 'list.createdFrom': 'Created from',
  'list.createdTo': 'to', 'list.amountFrom': 'Amount from', 'list.amountTo': 'to',
  'list.presets': 'Saved filters', 'list.savePreset': 'Save filter', 'list.presetName': 'Filter name',
  'list.columns': 'Columns', 'list.selected': 'Selected: {n}', 'list.selectAll': 'Select all on the page',
  'list.select': 'Select', 'list.bulk.assign': 'Change responsible', 'list.bulk.stage': 'Change stage', 'list.bulk.apply': 'Apply',
  'list.bulk.delete': 'Delete', 'list.bulk.confirmDelete': 'Delete the selected items ({n})?',
  'list.total': '{from}–{to} of {total}', 'list.prev': 'Previous', 'list.next': 'Next', 'list.empty': 'Nothing found',
  'list.export': 'Export', 'list.import': 'Import', 'list.done': 'Done: {n}', 'list.failedN': 'Failed: {n}',
  'import.title': 'Import from CSV', 'import.file': 'CSV file', 'import.mapping': 'Columns to fields',
  'import.skip': 'skip', 'import.start': 'Import', 'import.progress': '{done} of {total} imported',
  'import.result': 'Added: {added}, errors: {failed}', 'import.row': 'row {row}',
  'card.general': 'General', 'card.products': 'Products', 'card.history': 'History', 'card.relations': 'Relations',
  'card.about': 'About the deal', 'card.about.lead': 'About the lead', 'card.about.contact': 'About the contact', 'card.about.company': 'About the company',
  'card.client': 'Client', 'card.custom': 'Custom fields', 'card.more': 'More', 'card.convert': 'Convert', 'card.open': 'Open',
  'card.notFound': 'The item is not found or was deleted', 'card.delete': 'Delete', 'card.confirmDelete': 'Delete «{title}»?',
  'card.created': 'Created {date}', 'card.add': 'Add a value', 'card.changedElsewhere': 'Another user changed this item: reloaded',
  'convert.title': 'Convert the lead', 'convert.contact': 'Contact', 'convert.company': 'Company', 'convert.deal': 'Deal',
  'convert.go': 'Convert', 'convert.done': 'The lead is converted',
  'tl.comment': 'Comment', 'tl.activity': 'Activity', 'tl.placeholder': 'Write a comment… (@ mentions a colleague)',
  'tl.send': 'Send', 'tl.bold': 'Bold', 'tl.italic': 'Italic', 'tl.list': 'List', 'tl.pin': 'Pin',
  'tl.unpin': 'Unpin', 'tl.pinned': 'Pinned', 'tl.subject': 'Subject', 'tl.deadline': 'Deadline', 'tl.type': 'Type',
  'tl.done': 'Done', 'tl.empty': 'Comments and activities will show here', 'tl.more': 'Show more',
  'tl.attach': 'Attach a file', 'tl.files': 'Files',
  'act.1': 'Meeting', 'act.2': 'Call', 'act.3': 'Task', 'act.4': 'E-mail', 'act.6': 'Activity',
  'hist.when': 'When', 'hist.who': 'Who', 'hist.what': 'What', 'hist.from': 'Before', 'hist.to': 'After',
  'hist.1': 'Created', 'hist.2': 'Field changed', 'hist.3': 'Deleted', 'hist.4': 'Converted', 'hist.empty': 'No changes',
  'prod.name': 'Product', 'prod.price': 'Price', 'prod.qty': 'Qty', 'prod.discount': 'Discount, %', 'prod.tax': 'Tax, %',
  'prod.sum': 'Amount', 'prod.total': 'Total', 'prod.addRow': 'Add a product', 'prod.empty': 'No products',
  'prod.catalog': 'from the catalogue…',
  'rel.contacts': 'Contacts', 'rel.companies': 'Companies', 'rel.deals': 'Deals', 'rel.leads': 'Leads', 'rel.none': 'No linked items',
  'rel.new.contact': 'New linked contact', 'rel.new.company': 'New linked company', 'rel.created': 'Created and linked',
  'set.title': 'CRM settings', 'set.lists': 'Reference lists', 'set.pipelines': 'Pipelines and stages', 'set.adminOnly': 'Only an administrator can change settings',
  'set.addItem': 'Add', 'set.newItem': 'New value', 'set.colour': 'Colour', 'set.drag': 'Drag to reorder (or Alt+↑/↓)',
  'set.system': 'system', 'set.preview': 'Preview', 'set.sem.P': 'in progress', 'set.sem.S': 'success', 'set.sem.F': 'failure',
  'set.semantics': 'Group', 'set.confirmDelete': 'Delete «{name}»?',
  'set.pipe.add': 'Add a pipeline', 'set.pipe.name': 'Pipeline name', 'set.pipe.default': 'Default',
  'set.pipe.defaultHint': 'The default pipeline cannot be deleted', 'set.pipe.stages': 'Stages', 'set.pipe.deals': 'deals: {n}',
  'set.pipe.confirmDelete': 'Delete the pipeline «{name}» with its stages?', 'set.rename': 'Rename',
  'funnel.title': 'Sales funnel', 'funnel.classic': 'Classic', 'funnel.conversion': 'Conversion',
  'funnel.stage': 'Stage', 'funnel.count': 'Count', 'funnel.sum': 'Amount', 'funnel.share': 'Share',
  'funnel.reached': 'Reached', 'funnel.total': 'Total', 'funnel.inWork': 'In progress', 'funnel.won': 'Won',
  'funnel.lost': 'Lost', 'funnel.conversionRate': 'Conversion', 'funnel.compare': 'Compare pipelines',
  'funnel.leads': 'Leads', 'funnel.open': 'Open the list of this stage\u2019s items',
  'set.fields': 'Custom fields',
  'layout.edit': 'Edit layout', 'layout.hint': 'Drag a section or a field by ⋮⋮ (or press Alt+↑/↓ on it); × hides a field.',
  'layout.untitled': 'Untitled section', 'layout.newSection': 'New section', 'layout.moveHint': 'Drag, or press Alt+↑/↓',
  'layout.sectionName': 'Section name', 'layout.deleteSection': 'Delete the section', 'layout.fieldName': 'Field name',
  'layout.hide': 'Hide the field', 'layout.empty': 'Drop a field here', 'layout.addField': 'Add a field',
  'layout.standard': 'Standard fields', 'layout.addSection': 'Add a section', 'layout.hidden': 'Hidden fields',
  'layout.show': 'Bring back', 'layout.saveAll': 'Save for everyone', 'layout.saveMe': 'Save for me',
  'layout.reset': 'Reset to default', 'layout.forceAll': 'and replace everyone\u2019s own layouts', 'layout.savedAll': 'The layout is saved for everyone',
  'layout.savedMe': 'The layout is saved for you', 'layout.resetAll': 'Put the default layout back for every user?',
  'layout.resetMe': 'Remove your own layout? The common one will show.', 'layout.resetDone': 'The layout is reset',
  'uf.noValue': '(none)', 'uf.tooBig': 'The file «{name}» is over the limit of {max}', 'uf.required': 'required',
  'uf.requiredMsg': 'Fill in the required field «{name}»', 'uf.from': 'from', 'uf.to': 'to', 'uf.entity': 'Item type',
  'uf.add': 'New field', 'uf.edit': 'Field', 'uf.noRight': 'Fields are created and changed by an administrator or a role allowed to change settings',
  'uf.label': 'Name', 'uf.code': 'Code', 'uf.type': 'Type', 'uf.flags': 'Properties', 'uf.sort': 'Sort',
  'uf.none': 'No custom fields yet', 'uf.mandatory': 'Required', 'uf.multiple': 'Multiple',
  'uf.inFilter': 'In the filter', 'uf.inList': 'In the list', 'uf.confirmDelete': 'Delete the field «{name}» with all its values?',
  'uf.fixed': 'fixed after creation', 'uf.codeAuto': 'UF_CRM_… (made for you)', 'uf.labelRu': 'Name (Russian)',
  'uf.labelEn': 'Name (English)', 'uf.pipelines': 'Show in the cards of pipelines', 'uf.needLabel': 'Give the field a name',
  'uf.needCrmType': 'Choose at least one CRM item type', 'uf.default': 'Default value',
  'uf.date.NONE': 'none', 'uf.date.NOW': 'today', 'uf.date.FIXED': 'a date',
  'uf.display': 'Appearance', 'uf.display.LIST': 'list', 'uf.display.UI': 'list with search', 'uf.display.CHECKBOX': 'checkboxes',
  'uf.display.DIALOG': 'dialog', 'uf.display.RADIO': 'radio buttons', 'uf.display.DROPDOWN': 'drop-down',
  'uf.rows': 'Rows of the input', 'uf.precision': 'Decimal places', 'uf.checkboxLabel': 'Checkbox label',
  'uf.listHeight': 'List height', 'uf.noValueCaption': 'Caption for no value', 'uf.maxSize': 'Largest file, bytes (0: any)',
  'uf.extensions': 'Extensions accepted', 'uf.crmTypes': 'Bound to', 'uf.statusList': 'Reference list',
  'uf.iblock': 'List ID', 'uf.iblockNote': 'Universal lists come with business processes; until then the ID is kept unchecked.',
  'uf.values': 'List values', 'uf.value': 'Value', 'uf.isDefault': 'default', 'uf.addValue': 'Add a value',
  'uf.bulk': 'Several at once', 'uf.bulkHint': 'One value per line',
  'uft.string': 'String', 'uft.integer': 'Integer', 'uft.double': 'Number', 'uft.boolean': 'Yes/No', 'uft.enumeration': 'List',
  'uft.datetime': 'Date and time', 'uft.date': 'Date', 'uft.money': 'Money', 'uft.url': 'Link', 'uft.address': 'Address',
  'uft.file': 'File', 'uft.employee': 'Employee', 'uft.crm_status': 'CRM reference list',
  'uft.iblock_section': 'List sections', 'uft.iblock_element': 'List elements', 'uft.crm': 'CRM items',
  'lang.ru': 'Русский', 'lang.en': 'English',
  'vt.WORK': 'work', 'vt.MOBILE': 'mobile', 'vt.HOME': 'home', 'vt.FAX': 'fax', 'vt.OTHER': 'other',
};

const dicts = { ru, en };

export let lang = (() => {
  const saved = localStorage.getItem(KEY);
  if (saved && dicts[saved]) return saved;
  return dicts[session.lang] ? session.lang : 'ru';
})();
document.documentElement.lang = lang;

// Whether this browser holds the user's own choice (else the browser's preference decided).
export const langChosenHere = () => !!dicts[localStorage.getItem(KEY)];

export function setLang(l) {
  if (!dicts[l]) return;
  lang = l;
  localStorage.setItem(KEY, l);
  document.documentElement.lang = l;
}

// t('key', {name: value}) → the text in the current language (English, then the key, when absent).
export function t(key, vars) {
  let s = dicts[lang][key] ?? en[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] ?? m));
  return s;
}

// A field's label: ours in Russian, the API's title (English) otherwise.
export function fieldLabel(code, desc) {
  if (lang === 'ru' && ru[`f.${code}`]) return ru[`f.${code}`];
  // a custom field: its label in this language, else in the other one
  const l = desc?.labels;
  if (l && (l[lang] || l.ru || l.en)) return l[lang] || l[lang === 'ru' ? 'en' : 'ru'] || l.ru || l.en;
  return desc?.formLabel || desc?.title || en[`f.${code}`] || code;
}

const numFmt = {};
export function money(sum, currency = 'RUB') {
  const k = `${lang}:${currency}`;
  if (!numFmt[k]) {
    try {
      numFmt[k] = new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-US', { style: 'currency', currency: currency || 'RUB', currencyDisplay: 'narrowSymbol', maximumFractionDigits: 0 });
    } catch {
      numFmt[k] = new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-US', { maximumFractionDigits: 0 });
    }
  }
  return numFmt[k].format(Number(sum) || 0);
}

export function num(n) {
  const k = `num:${lang}`;
  numFmt[k] ||= new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-US');
  return numFmt[k].format(Number(n) || 0);
}

// The formatters are made once per language: toLocaleString builds a new one every call, about
// 0.4 ms each — 180 ms of a kanban's first paint with its 400 cards (bench/ui).
export function date(s, withTime = false) {
  if (!s) return '';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  const k = `date:${lang}:${withTime}`;
  numFmt[k] ||= new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', withTime
    ? { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }
    : { day: 'numeric', month: 'short', year: 'numeric' });
  return numFmt[k].format(d);
}
