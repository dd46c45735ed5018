"""Small original documents in thirteen languages for the golden queries (written for these
tests; any resemblance to real library content is only the topics)."""

from __future__ import annotations

from skillcommons.search.documents import SearchDocument

SKILLS = {
    "events": "event organizing; edit-a-thon; organización de eventos; organisation d'événements; "
    "organização de eventos; कार्यक्रम आयोजन; অনুষ্ঠান আয়োজন",
    "sources": "reliable sources; citations; fuentes fiables; مصادر موثوقة; منابع معتبر; "
    "معتبر حوالہ جات; நம்பகமான ஆதாரங்கள்",
    "wikidata": "Wikidata; structured data; datos estructurados; 维基数据; ウィキデータ; ויקינתונים",
    "photos": "photography; Wikimedia Commons; fotografía; 摄影; 写真",
    "governance": "governance; gouvernance; governança; حوكمة",
    "translation": "translation; traducción; अनुवाद; অনুবাদ; மொழிபெயர்ப்பு; 翻訳; ترجمه; ترجمہ",
}

# work: (skill, format, level, quality, {language: (title, body)})
WORKS: dict[str, tuple[str, str, str, float, dict[str, tuple[str, str]]]] = {
    "editathon": (
        "events",
        "article",
        "beginner",
        0.9,
        {
            "en": (
                "How to organize an edit-a-thon",
                "Plan the date, invite new editors, prepare a list of articles to improve and "
                "welcome everyone on the day of the editathon.",
            ),
            "es": (
                "Cómo organizar un editatón",
                "Elige la fecha, invita a personas nuevas, prepara una lista de artículos para "
                "mejorar y recibe a todos el día del editatón.",
            ),
            "fr": (
                "Organiser un marathon d'édition",
                "Choisissez la date, invitez de nouveaux contributeurs, préparez une liste "
                "d'articles à améliorer et accueillez chacun le jour de l'événement.",
            ),
            "pt": (
                "Como organizar uma maratona de edição",
                "Escolha a data, convide novas pessoas editoras, prepare uma lista de artigos "
                "para melhorar e receba todos no dia do evento.",
            ),
            "hi": (
                "संपादन-अभियान का आयोजन कैसे करें",
                "तारीख़ तय करें, नए संपादकों को आमंत्रित करें, सुधारने के लिए लेखों की सूची "
                "बनाएँ और कार्यक्रम के दिन सबका स्वागत करें।",
            ),
            "bn": (
                "সম্পাদনা-সভা কীভাবে আয়োজন করবেন",
                "তারিখ ঠিক করুন, নতুন সম্পাদকদের আমন্ত্রণ জানান, উন্নত করার জন্য নিবন্ধের "
                "তালিকা তৈরি করুন এবং অনুষ্ঠানের দিনে সবাইকে স্বাগত জানান।",
            ),
        },
    ),
    "citations": (
        "sources",
        "video",
        "beginner",
        0.8,
        {
            "en": (
                "Adding reliable sources to articles",
                "Every statement that could be challenged needs a citation to a published, "
                "reliable source. Learn to add references with the citation tool.",
            ),
            "ar": (
                "إضافة مصادر موثوقة إلى المقالات",
                "كل معلومة قابلة للطعن تحتاج إلى استشهاد بمصدر منشور وموثوق. تعلّم إضافة "
                "المراجع باستخدام أداة الاستشهاد.",
            ),
            "fa": (
                "افزودن منابع معتبر به مقاله‌ها",
                "هر ادعایی که ممکن است مورد تردید باشد به یک منبع منتشرشده و معتبر نیاز دارد. "
                "یاد بگیرید چگونه با ابزار یادکرد منبع اضافه کنید.",
            ),
            "ur": (
                "مضامین میں معتبر حوالہ جات شامل کرنا",
                "ہر وہ بات جس پر سوال اٹھ سکتا ہو، کسی شائع شدہ اور معتبر ماخذ کے حوالے کی "
                "محتاج ہے۔ حوالہ جاتی آلے سے حوالے شامل کرنا سیکھیں۔",
            ),
            "ta": (
                "கட்டுரைகளில் நம்பகமான ஆதாரங்களைச் சேர்த்தல்",
                "கேள்விக்குள்ளாகக்கூடிய ஒவ்வொரு கூற்றுக்கும் வெளியிடப்பட்ட நம்பகமான ஆதாரம் "
                "தேவை. மேற்கோள் கருவி மூலம் மேற்கோள்களைச் சேர்க்கக் கற்றுக்கொள்ளுங்கள்.",
            ),
        },
    ),
    "wikidata": (
        "wikidata",
        "course",
        "intermediate",
        0.7,
        {
            "en": (
                "Wikidata basics: items and statements",
                "Wikidata stores structured data as items with statements. Each item has a "
                "label in many languages and an identifier that starts with Q.",
            ),
            "zh": (
                "维基数据入门：条目与陈述",
                "维基数据以条目和陈述的形式保存结构化数据。每个条目都有多种语言的标签和一个以Q开头的标识符。",
            ),
            "ja": (
                "ウィキデータ入門：項目と文",
                "ウィキデータは構造化データを項目と文として保存します。各項目には多くの言語の"
                "ラベルと、Qで始まる識別子があります。",
            ),
            "he": (
                "מבוא לוויקינתונים: פריטים והצהרות",
                "בוויקינתונים נשמר מידע מובנה בצורת פריטים עם הצהרות. לכל פריט יש תווית "
                "בשפות רבות ומזהה שמתחיל באות Q.",
            ),
        },
    ),
    "photos": (
        "photos",
        "slides",
        "beginner",
        0.6,
        {
            "en": (
                "Uploading your photos to Wikimedia Commons",
                "Choose a free license, describe what the photo shows, add categories and "
                "upload with the Upload Wizard.",
            ),
            "es": (
                "Subir tus fotografías a Wikimedia Commons",
                "Elige una licencia libre, describe lo que muestra la foto, añade categorías y "
                "súbela con el asistente de subida.",
            ),
            "zh": (
                "把照片上传到维基共享资源",
                "选择自由许可协议，描述照片内容，添加分类，然后用上传向导上传。",
            ),
            "ja": (
                "写真をウィキメディア・コモンズにアップロードする",
                "自由なライセンスを選び、写真の内容を説明し、カテゴリを付けてアップロード"
                "ウィザードで投稿します。",
            ),
        },
    ),
    "governance": (
        "governance",
        "pdf",
        "advanced",
        0.5,
        {
            "en": (
                "Affiliate governance basics",
                "A board sets the direction, keeps the accounts honest and reports to the "
                "members every year.",
            ),
            "fr": (
                "Les bases de la gouvernance d'un affilié",
                "Le conseil d'administration fixe les orientations, veille à la bonne tenue des "
                "comptes et rend compte aux membres chaque année.",
            ),
            "ar": (
                "أساسيات حوكمة المنظمات التابعة",
                "يحدد مجلس الإدارة التوجه ويحافظ على نزاهة الحسابات ويقدم تقريرًا إلى الأعضاء "
                "كل عام.",
            ),
            "pt": (
                "Noções básicas de governança de afiliados",
                "O conselho define a direção, mantém as contas em ordem e presta contas aos "
                "membros todos os anos.",
            ),
        },
    ),
    "translation": (
        "translation",
        "toolkit",
        "beginner",
        0.4,
        {
            "en": (
                "Translating articles with Content Translation",
                "Content Translation opens the source article beside your draft, so you can "
                "translate paragraph by paragraph.",
            ),
            "ta": (
                "உள்ளடக்க மொழிபெயர்ப்புக் கருவி மூலம் கட்டுரைகளை மொழிபெயர்த்தல்",
                "மூலக் கட்டுரையை உங்கள் வரைவுக்கு அருகில் திறந்து, பத்தி பத்தியாக மொழிபெயர்க்கலாம்.",
            ),
            "bn": (
                "কনটেন্ট অনুবাদ সরঞ্জাম দিয়ে নিবন্ধ অনুবাদ",
                "উৎস নিবন্ধটি আপনার খসড়ার পাশে খোলে, তাই আপনি অনুচ্ছেদ ধরে ধরে অনুবাদ করতে পারেন।",
            ),
        },
    ),
    "markup": (
        "sources",
        "article",
        "intermediate",
        0.3,
        {
            "en": (
                "Footnotes with <ref> & {{cite web}}",
                "Put the <script>alert(1)</script> aside: a footnote is a <ref> tag around a "
                "cite template.",
            ),
        },
    ),
}


def documents() -> list[SearchDocument]:
    docs = []
    for work, (skill, fmt, level, quality, variants) in WORKS.items():
        for language, (title, body) in variants.items():
            docs.append(
                SearchDocument(
                    key=f"library.variant:{work}-{language}",
                    group=f"library.work:{work}",
                    language=language,
                    title=title,
                    body=body,
                    keywords=SKILLS[skill],
                    url=f"/library/{work}/{language}/",
                    quality=quality,
                    facets={
                        "skill": [skill, "root"],
                        "format": [fmt],
                        "language": [language],
                        "level": [level],
                        "audience": ["newcomer"],
                    },
                )
            )
    return docs
